import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { BUILTIN_ACTIONS } from '../actions/builtin-actions.ts';
import { declaredAccess } from '../actions/declared-access.ts';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import { BOT_READS } from '../domain/rbac/bot-reads.ts';
import { buildRbac, type RbacAudience, type RbacObject } from '../domain/rbac/build-rbac.ts';
import { configDir } from './config-dir.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc rbac --env ENV [--context CONTEXT] [--service-account NAME] [--namespace NS]
              [--for bot|people] [--group GROUP] [--dir DIR]

Prints, as multi-document YAML for \`kubectl apply -f -\`, the RBAC objects mc needs in the
environment ENV of catalog.yml: per namespace its services live in, a Role with exactly the
rules mc's actions declare (and the bot's own reads) and a RoleBinding to the bot's
ServiceAccount (default mc in namespace mc).

With \`impersonate: true\` on the environment, the bot's account gets only its reads and a
ClusterRole to impersonate the Kubernetes users and groups catalog.yml maps Slack users to.
--for people then prints, per namespace, a Role that lets a person do what mc's actions do,
bound to the Kubernetes group GROUP (default mc-ENV-operators): review it, apply it as the
cluster admin, and put in that group the people who may act (or grant the same through your
own roles). The cluster decides for each person; mc checks before any change.

When the environment spans several clusters, --context picks one (apply each with its own
kubectl --context). Exit 0 with the YAML, 1 on a config error, 2 on bad usage.
`;

const AUDIENCES: readonly RbacAudience[] = ['bot', 'people'];

/** `mc rbac`: the least-privilege Roles and bindings of one environment, from the action catalog. */
export async function runRbac(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        env: { type: 'string' },
        context: { type: 'string' },
        'service-account': { type: 'string', default: 'mc' },
        namespace: { type: 'string', default: 'mc' },
        for: { type: 'string', default: 'bot' },
        group: { type: 'string' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (typeof values.env !== 'string') throw new Error('--env is required');
    if (!AUDIENCES.includes(values.for as RbacAudience))
      throw new Error(`--for must be one of ${AUDIENCES.join(', ')}, not "${values.for}"`);
  } catch (error) {
    io.stderr(`mc rbac: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const root = configDir(io, values.dir as string | undefined);
  const loaded = await loadConfig(root);
  if (!loaded.ok) {
    io.stderr(`${formatConfigErrors(loaded.errors)}\nmc rbac: fix ${root} first (mc validate)\n`);
    return 1;
  }
  const objects = buildRbac({
    catalog: loaded.config.catalog,
    env: values.env as string,
    actions: declaredAccess(BUILTIN_ACTIONS),
    reads: BOT_READS,
    serviceAccount: {
      name: values['service-account'] as string,
      namespace: values.namespace as string,
    },
    audience: values.for as RbacAudience,
    ...(typeof values.group === 'string' ? { peopleGroup: values.group } : {}),
  });
  io.stdout(renderRbac(objects, values.env as string, values.context as string | undefined));
  return 0;
}

/**
 * The objects of one cluster as multi-document YAML. Objects of several clusters would be
 * applied to one by `kubectl apply -f -`, so those need a context chosen.
 */
export function renderRbac(objects: RbacObject[], env: string, context?: string): string {
  const contexts = [...new Set(objects.map((o) => o.context))];
  if (context !== undefined && !contexts.includes(context))
    throw new Error(
      `environment "${env}" has no service in context "${context}". Its contexts: ${contexts.join(', ')}`,
    );
  const chosen = context ?? contexts[0];
  if (context === undefined && contexts.length > 1)
    throw new Error(
      `environment "${env}" spans ${contexts.length} clusters; run once per cluster with --context: ${contexts.join(', ')}`,
    );
  const header = `# mc rbac --env ${env}: apply with kubectl --context ${chosen} apply -f -\n`;
  const docs = objects
    .filter((o) => o.context === chosen)
    .map((o) => stringify(o.object, { lineWidth: 0 }));
  return `${header}${docs.map((d) => `---\n${d}`).join('')}`;
}
