import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { bufferIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import { kubectl, kubectlMissing } from '../sandbox/kubernetes/kubectl-runner.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const STAGING = 'gke_acme-staging_europe-west1_main';
const SA = 'system:serviceaccount:mc:mc';
const missing = kubectlMissing();
const required = process.env.CI === 'true';

async function mcRbac(args: string[], cwd = REPO_ROOT) {
  const { io, stdout, stderr } = bufferIo(cwd);
  const code = await main(['rbac', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('cli/rbac', () => {
  it('prints a Role and RoleBinding per namespace of the environment, bound to the ServiceAccount', async () => {
    const out = await mcRbac(['--env', 'staging']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS());
    const kinds = docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`);
    expect(kinds).toEqual([
      'Role checkout/mc-staging',
      'RoleBinding checkout/mc-staging',
      'Role edge/mc-staging',
      'RoleBinding edge/mc-staging',
      'Role payments/mc-staging',
      'RoleBinding payments/mc-staging',
    ]);
    expect(docs.some((d) => d.kind.startsWith('Cluster'))).toBe(false);
    const binding = docs[1];
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'mc', namespace: 'mc' }]);
    // Workload rules name the catalog's workload: the bot may patch checkout, not its neighbours.
    const role = docs[0];
    expect(role.rules).toContainEqual({
      apiGroups: ['apps'],
      resources: ['deployments'],
      resourceNames: ['checkout'],
      verbs: ['get', 'patch'],
    });
    expect(out.stdout.split('\n')[0]).toBe(
      `# mc rbac --env staging: apply with kubectl --context ${STAGING} apply -f -`,
    );
  });

  it('names the ServiceAccount given', async () => {
    const out = await mcRbac([
      '--env',
      'staging',
      '--service-account',
      'bot',
      '--namespace',
      'ops',
    ]);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS());
    expect(docs[1].subjects).toEqual([{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }]);
  });

  it.each([
    [['--env', 'prd'], 1, 'unknown environment "prd"; known: staging, prod. Did you mean "prod"?'],
    [['--env', 'prod'], 1, 'spans 2 clusters; run once per cluster with --context'],
    [['--env', 'prod', '--context', 'nope'], 1, 'has no service in context "nope"'],
    [[], 2, '--env is required'],
    [['--env', 'staging', '--for', 'them'], 2, '--for must be one of bot, people'],
  ])('refuses %j with a clear error', async (args, code, message) => {
    const out = await mcRbac(args);
    expect(out.code).toBe(code);
    expect(out.stderr).toContain(message);
    expect(out.stdout).toBe('');
  });
});

describe.skipIf(missing !== undefined && !required)('cli/rbac: kubectl applies the output', () => {
  let kube: KubeEmulator;
  let home: string;
  const run = (args: string[]) => kubectl(home, args);

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true needs kubectl: ${missing}`);
    kube = await startKubeEmulator({ autoTick: false, tls: true, rbac: true });
    home = mkdtempSync(path.join(tmpdir(), 'mc-rbac-'));
    writeFileSync(path.join(home, 'kubeconfig'), kubeConfigFor(kube, [STAGING]).exportConfig());
  });
  afterAll(async () => {
    await kube?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('creates every object, and kubectl auth can-i answers as the Roles say', async () => {
    const file = path.join(home, 'rbac.yaml');
    writeFileSync(file, (await mcRbac(['--env', 'staging'])).stdout);
    const dry = await run(['create', '--dry-run=client', '-o', 'name', '-f', file]);
    expect(dry.stderr).toBe('');
    const applied = await run(['apply', '-f', file]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim().split('\n')).toEqual([
      'role.rbac.authorization.k8s.io/mc-staging created',
      'rolebinding.rbac.authorization.k8s.io/mc-staging created',
      'role.rbac.authorization.k8s.io/mc-staging created',
      'rolebinding.rbac.authorization.k8s.io/mc-staging created',
      'role.rbac.authorization.k8s.io/mc-staging created',
      'rolebinding.rbac.authorization.k8s.io/mc-staging created',
    ]);
    const canI = async (...args: string[]) =>
      (await run(['auth', 'can-i', ...args, `--as=${SA}`])).stdout.trim();
    expect(await canI('patch', 'deployments/checkout', '-n', 'checkout')).toBe('yes');
    expect(
      await canI('patch', 'deployments/checkout', '-n', 'checkout', '--subresource=scale'),
    ).toBe('yes');
    expect(await canI('patch', 'deployments/other', '-n', 'checkout')).toBe('no');
    expect(await canI('delete', 'deployments/checkout', '-n', 'checkout')).toBe('no');
    expect(await canI('list', 'replicasets', '-n', 'payments')).toBe('yes');
    expect(await canI('list', 'secrets', '-n', 'checkout')).toBe('no');
    expect(await canI('get', 'deployments/checkout', '-n', 'default')).toBe('no');
  });
});

describe.skipIf(missing !== undefined && !required)(
  'cli/rbac: an environment that impersonates',
  () => {
    let kube: KubeEmulator;
    let home: string;
    let config: string;
    const run = (args: string[]) => kubectl(home, args);

    beforeAll(async () => {
      if (missing) throw new Error(`CI=true needs kubectl: ${missing}`);
      kube = await startKubeEmulator({ autoTick: false, tls: true, rbac: true });
      home = mkdtempSync(path.join(tmpdir(), 'mc-rbac-people-'));
      writeFileSync(path.join(home, 'kubeconfig'), kubeConfigFor(kube, [STAGING]).exportConfig());
      // The repository's config, with staging acting as the person.
      config = path.join(home, 'config');
      for (const part of ['commands', 'playbooks', 'catalog.yml'])
        cpSync(path.join(REPO_ROOT, part), path.join(config, part), { recursive: true });
      const catalog = parse(readFileSync(path.join(config, 'catalog.yml'), 'utf8'));
      catalog.environments.staging.impersonate = true;
      catalog.kubernetesIdentities = {
        U01ALICE01: { user: 'alice@acme.test', groups: ['mc-staging-operators'] },
        U02CAROL03: { user: 'carol@acme.test', groups: ['release'] },
      };
      writeFileSync(path.join(config, 'catalog.yml'), stringify(catalog));
    });
    afterAll(async () => {
      await kube?.close();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('gives the bot impersonate on the mapped people only, and people Roles through one group', async () => {
      const bot = await mcRbac(['--env', 'staging', '--dir', config]);
      const people = await mcRbac(['--env', 'staging', '--dir', config, '--for', 'people']);
      expect([bot.code, people.code, bot.stderr, people.stderr]).toEqual([0, 0, '', '']);
      for (const [name, out] of [
        ['bot.yaml', bot.stdout],
        ['people.yaml', people.stdout],
      ] as const) {
        writeFileSync(path.join(home, name), out);
        const applied = await run(['apply', '-f', path.join(home, name)]);
        expect(applied.stderr).toBe('');
      }
      const canI = async (as: string[], ...args: string[]) =>
        (await run(['auth', 'can-i', ...args, ...as])).stdout.trim();
      const sa = [`--as=${SA}`];
      expect(await canI(sa, 'impersonate', 'users/alice@acme.test')).toBe('yes');
      expect(await canI(sa, 'impersonate', 'groups/mc-staging-operators')).toBe('yes');
      expect(await canI(sa, 'impersonate', 'users/mallory')).toBe('no');
      expect(await canI(sa, 'impersonate', 'groups/system:masters')).toBe('no');
      // The bot itself reads, and changes nothing without a person.
      expect(await canI(sa, 'get', 'deployments/checkout', '-n', 'checkout')).toBe('yes');
      expect(await canI(sa, 'patch', 'deployments/checkout', '-n', 'checkout')).toBe('no');
      const alice = ['--as=alice@acme.test', '--as-group=mc-staging-operators'];
      expect(await canI(alice, 'patch', 'deployments/checkout', '-n', 'checkout')).toBe('yes');
      const carol = ['--as=carol@acme.test', '--as-group=release'];
      expect(await canI(carol, 'patch', 'deployments/checkout', '-n', 'checkout')).toBe('no');
    });
  },
);
