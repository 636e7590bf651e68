import { resolveTarget } from '../actions/resolve-target.ts';
import type { ActionContext } from '../actions/types.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import type { Catalog } from '../config/schema.ts';
import type { DeployKind } from '../domain/deploys/deploy-record.ts';
import type { Run } from '../domain/runs/index.ts';
import { commitOf } from './commit-source.ts';
import type { NewDeploy } from './deploy-log.ts';

/** What a deploy or rollback run changed, as the deploy log records it, and where it runs now. */
export interface DeployChange {
  record: NewDeploy;
  kind: 'Deployment' | 'Rollout';
}

interface BeforeShape {
  image?: unknown;
  revision?: unknown;
  template?: { spec?: { containers?: { name?: string; image?: string }[] } };
}

/** The image a step's `before` names: `image` (set-image) or the container in `template` (undo). */
function imageBefore(before: unknown, container: string): string | undefined {
  const b = (before ?? {}) as BeforeShape;
  if (typeof b.image === 'string') return b.image;
  const found = b.template?.spec?.containers?.find((c) => c.name === container);
  return found?.image;
}

/**
 * Reads what the run's first step changed (from its `before`) and what runs now (live), as a
 * deploy log record of `kind` by the requester.
 */
export async function describeChange(
  catalog: Catalog,
  ctx: ActionContext,
  run: Run,
  kind: DeployKind,
): Promise<DeployChange> {
  const { service, env } = run.target;
  const target = resolveTarget(catalog, service, env);
  const w = await readWorkload(ctx.kube, target.workload);
  const live = (w.template.spec.containers ?? []).find((c) => c.name === target.container);
  // The first step that changed the image (an argo.abort before an undo changed none).
  const step = run.steps.find((s) => imageBefore(s.before, target.container)) ?? run.steps[0];
  const fromImage = imageBefore(step?.before, target.container);
  const fromRevision = (step?.before as BeforeShape | undefined)?.revision;
  const commit =
    kind === 'deploy'
      ? commitOf(
          run.steps[0]?.params as Record<string, unknown> | undefined,
          w.template.metadata?.annotations,
          w.annotations,
        )
      : {};
  return {
    kind: w.ref.kind,
    record: {
      service,
      env,
      ...(fromImage ? { fromImage } : {}),
      toImage: live?.image ?? '(none)',
      ...(typeof fromRevision === 'number' ? { fromRevision } : {}),
      ...(w.revision === undefined ? {} : { toRevision: w.revision }),
      kind,
      by: run.requester,
      runId: run.id,
      ...commit,
    },
  };
}
