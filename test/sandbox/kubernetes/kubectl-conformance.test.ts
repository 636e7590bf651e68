import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../../src/sandbox/kubernetes/index.ts';
import { eventually } from '../../support/kube.ts';
import {
  cells,
  fixturePath,
  type KubectlResult,
  kubectl,
  kubectlMissing,
  recorded,
} from './kubectl-runner.ts';

const missing = kubectlMissing();
const required = process.env.CI === 'true';
if (missing && !required) console.warn(`kubectl conformance skipped: ${missing}`);

/** REVISION and CHANGE-CAUSE rows of `kubectl rollout history`, whatever the header looks like. */
function revisions(output: string): string[][] {
  return output
    .split('\n')
    .map((line) => /^(\d+)\s+(.*?)\s*$/.exec(line.trim()))
    .filter((m) => m !== null)
    .map((m) => [m[1] ?? '', m[2] ?? '']);
}

/** `Key: value` lines of `kubectl describe`; annotations as `key=value` whichever way printed. */
function described(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key = '';
  for (const line of output.split('\n')) {
    const field = /^([A-Z][\w ]*):\s+(.*)$/.exec(line);
    if (field?.[1]) key = field[1];
    const value = (field?.[2] ?? line).trim();
    if (!field && !/^\s{10,}\S/.test(line)) continue;
    const normal = key === 'Annotations' ? value.replace(/^([\w./-]+): /, '$1=') : value;
    const before = fields.get(key);
    fields.set(key, before === undefined ? normal : `${before}\n${normal}`);
  }
  return fields;
}

describe.skipIf(missing !== undefined && !required)('kubectl 1.32 against the emulator', () => {
  let kube: KubeEmulator;
  let home: string;
  const run = async (args: string[], kubeconfig?: string): Promise<KubectlResult> => {
    const result = await kubectl(home, args, kubeconfig);
    // A real API server gives kubectl nothing to complain about: no watch fallbacks, no errors.
    expect(result.stderr).not.toMatch(/Failed to watch|Unhandled Error|the server rejected/);
    return result;
  };
  /** Runs a recorded command and checks its exit code against the real one. */
  const replay = async (name: string, args?: string[]) => {
    const real = recorded(name);
    const result = await run(args ?? real.command.split(' ').slice(1));
    expect({ command: real.command, exit: result.code, stderr: result.stderr }).toEqual({
      command: real.command,
      exit: real.exit,
      stderr: result.stderr,
    });
    return { real, result };
  };
  const settled = (what: string, check: () => boolean) =>
    eventually(what, async () => (check() ? true : undefined), 20_000);
  const podsSettled = () =>
    settled('old pods gone', () =>
      kube.list('Pod', 'default', 'prod').every((p) => p.metadata.deletionTimestamp === undefined),
    );

  beforeAll(async () => {
    if (missing) throw new Error(`CI=true needs kubectl 1.32 for the conformance test: ${missing}`);
    kube = await startKubeEmulator({
      tickMs: 20,
      tls: true,
      rbac: true,
      users: [{ token: 'jane-token', username: 'jane' }],
    });
    home = mkdtempSync(join(tmpdir(), 'kubectl-conformance-'));
    // The kubeconfig the sandbox hands the bot, exported for kubectl: one cluster per context
    // at /clusters/<context>, as `npm run sandbox` serves them.
    const config = (token?: string) =>
      kubeConfigFor(kube, ['prod'], {
        clusterPerContext: true,
        ...(token ? { token } : {}),
      }).exportConfig();
    writeFileSync(join(home, 'kubeconfig'), config());
    writeFileSync(join(home, 'jane'), config('jane-token'));
  });
  afterAll(async () => {
    await kube?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('applies the docs manifest and rolls it out without watch errors', async () => {
    const apply = await run(['apply', '-f', fixturePath('nginx-deployment.yaml')]);
    expect([apply.code, apply.stdout.trim()]).toEqual([
      0,
      'deployment.apps/nginx-deployment created',
    ]);
    await run([
      'annotate',
      'deployment/nginx-deployment',
      'kubernetes.io/change-cause=kubectl apply --filename=https://k8s.io/examples/controllers/nginx-deployment.yaml',
    ]);
    const { real, result } = await replay('rollout-status');
    expect(result.stdout.trim().split('\n').at(-1)).toBe(real.output.trim());
  });

  it.each([['get-deployments'], ['get-rs'], ['get-pods-show-labels'], ['get-deploy-rs-pods']])(
    'prints the same columns and rows as a real cluster: %s',
    async (name) => {
      await podsSettled();
      const { real, result } = await replay(name);
      expect(cells(result.stdout, 'nginx-deployment')).toEqual(
        cells(real.output, 'nginx-deployment'),
      );
    },
  );

  it('sets the image, rolls out, and shows the old ReplicaSet scaled to zero', async () => {
    const { real, result } = await replay('set-image');
    expect(result.stdout.trim()).toBe(real.output.trim());
    await run([
      'annotate',
      '--overwrite',
      'deployment/nginx-deployment',
      `kubernetes.io/change-cause=${real.command}`,
    ]);
    expect((await replay('rollout-status')).result.code).toBe(0);
    await podsSettled();
    for (const name of ['get-rs-after-update', 'get-pods-after-update']) {
      const { real: want, result: got } = await replay(name);
      expect(cells(got.stdout, 'nginx-deployment')).toEqual(cells(want.output, 'nginx-deployment'));
    }
  });

  it('keeps one revision per template with its change-cause, as the docs history shows', async () => {
    const typo = 'kubectl set image deployment/nginx-deployment nginx=nginx:1.161';
    await run(typo.split(' ').slice(1));
    await run([
      'annotate',
      '--overwrite',
      'deployment/nginx-deployment',
      `kubernetes.io/change-cause=${typo}`,
    ]);
    const { real, result } = await replay('rollout-history');
    expect(revisions(result.stdout)).toEqual(revisions(real.output));
  });

  it('rolls back: revision 2 comes back as 4 and leaves the history, as on a real cluster', async () => {
    const { real, result } = await replay('rollout-undo');
    expect(result.stdout.trim()).toBe(real.output.trim());
    await run(['rollout', 'status', 'deployment/nginx-deployment']);
    await podsSettled();
    const got = await replay('get-deployment-after-undo');
    expect(cells(got.result.stdout, 'nginx-deployment')).toEqual(
      cells(got.real.output, 'nginx-deployment'),
    );
    const describe = await replay('describe-after-undo');
    const want = described(describe.real.output);
    const seen = described(describe.result.stdout);
    for (const key of [
      'Annotations',
      'Replicas',
      'StrategyType',
      'Image',
      'Port',
      // OldReplicaSets is left out: kubectl 1.32 lists the scaled-down ones the 2018 kubectl hid.
    ])
      expect([key, seen.get(key)]).toEqual([key, want.get(key)]);
    const conditions = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^\s+(Available|Progressing)\s/.test(l))
        .map((l) => l.trim().split(/\s+/).join(' '));
    expect(conditions(describe.result.stdout)).toEqual(conditions(describe.real.output));
    expect(conditions(describe.real.output)).toHaveLength(2);
    expect(seen.get('NewReplicaSet')).toMatch(
      /^nginx-deployment-[a-z0-9]+ \(3\/3 replicas created\)$/,
    );
    const history = await run(['rollout', 'history', 'deployment/nginx-deployment']);
    expect(revisions(history.stdout).map(([revision]) => revision)).toEqual(['1', '3', '4']);
    const gone = await run(['rollout', 'history', 'deployment/nginx-deployment', '--revision=2']);
    expect([gone.code, gone.stderr.trim()]).toEqual([
      1,
      'error: unable to find the specified revision',
    ]);
  });

  it('renumbers a one-step undo the way the public transcript shows (1, 2 become 2, 3)', async () => {
    await run(['create', 'deployment', 'nginx', '--image=nginx']);
    await run(['rollout', 'status', 'deployment/nginx']);
    await run(['set', 'image', 'deployment', 'nginx', 'nginx=nginx:1.15']);
    await run(['rollout', 'status', 'deployment/nginx']);
    await run(['rollout', 'undo', 'deploy', 'nginx']);
    const { real, result } = await replay('rollout-history-after-undo');
    expect(revisions(result.stdout)).toEqual(revisions(real.output));
  });

  it('scales, waits for Available and answers a dry run without changing anything', async () => {
    const { real, result } = await replay('scale');
    expect(result.stdout.trim()).toBe(real.output.trim());
    const wait = await run([
      'wait',
      '--for=condition=Available',
      'deployment/nginx-deployment',
      '--timeout=60s',
    ]);
    expect([wait.code, wait.stdout.trim()]).toEqual([
      0,
      'deployment.apps/nginx-deployment condition met',
    ]);
    const dry = await run([
      'scale',
      'deployment/nginx-deployment',
      '--replicas=1',
      '--dry-run=server',
    ]);
    expect(dry.stdout.trim()).toBe('deployment.apps/nginx-deployment scaled (server dry run)');
    const replicas = await run([
      'get',
      'deploy',
      'nginx-deployment',
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    expect(replicas.stdout).toBe('10');
  });

  it('pauses (no new revision while paused), resumes and restarts as the docs show', async () => {
    await run(['create', 'deployment', 'paused', '--image=nginx:1.14.2']);
    await run(['rollout', 'status', 'deployment/paused']);
    const name = (fixture: string) =>
      recorded(fixture)
        .command.split(' ')
        .slice(1)
        .map((a) => a.replace('nginx-deployment', 'paused'));
    const pause = await replay('rollout-pause', name('rollout-pause'));
    expect(pause.result.stdout.trim()).toBe(
      pause.real.output.trim().replace('nginx-deployment', 'paused'),
    );
    // `create deployment` names the container after the image: nginx.
    const image = await run(['set', 'image', 'deployment/paused', 'nginx=nginx:1.16.1']);
    expect(image.stdout.trim()).toBe('deployment.apps/paused image updated');
    const limits = ['--limits=cpu=200m,memory=512Mi'];
    const resources = await run(['set', 'resources', 'deployment/paused', '-c=nginx', ...limits]);
    expect(resources.stdout.trim()).toBe('deployment.apps/paused resource requirements updated');
    const history = await replay('rollout-history-paused', name('rollout-history-paused'));
    expect(revisions(history.result.stdout)).toEqual(revisions(history.real.output));
    const resume = await replay('rollout-resume', name('rollout-resume'));
    expect(resume.result.stdout.trim()).toBe(
      resume.real.output.trim().replace('nginx-deployment', 'paused'),
    );
    await run(['rollout', 'status', 'deployment/paused']);
    const after = await run(['rollout', 'history', 'deployment/paused']);
    expect(revisions(after.stdout).map(([revision]) => revision)).toEqual(['1', '2']);
    const restart = await replay('rollout-restart', name('rollout-restart'));
    expect(restart.result.stdout.trim()).toBe(
      restart.real.output.trim().replace('nginx-deployment', 'paused'),
    );
    const status = await run(['rollout', 'status', 'deployment/paused']);
    expect(status.stdout.trim().split('\n').at(-1)).toBe(
      'deployment "paused" successfully rolled out',
    );
  });

  it('selects by label and field, and answers a missing name with NotFound and exit 1', async () => {
    const running = await run([
      'get',
      'pods',
      '-l',
      'app=nginx',
      '--field-selector=status.phase=Running',
      '-o',
      'name',
    ]);
    // Both deployments label their pods app=nginx: the 10 scaled replicas and the one of `nginx`.
    expect(running.stdout.trim().split('\n')).toHaveLength(11);
    const none = await run([
      'get',
      'pods',
      '-l',
      'app=nginx',
      '--field-selector=status.phase=Failed',
    ]);
    expect(none.stderr.trim()).toBe('No resources found in default namespace.');
    const lost = await run(['get', 'deployment', 'missing']);
    expect([lost.code, lost.stderr.trim()]).toEqual([
      1,
      'Error from server (NotFound): deployments.apps "missing" not found',
    ]);
  });

  it('answers auth can-i from the emulated RBAC, for the user and through impersonation', async () => {
    await run([
      'create',
      'role',
      'deployer',
      '--verb=create',
      '--resource=deployments',
      '-n',
      'dev',
    ]);
    await run([
      'create',
      'rolebinding',
      'jane-deploys',
      '--role=deployer',
      '--user=jane',
      '-n',
      'dev',
    ]);
    for (const name of ['can-i-dev', 'can-i-prod']) {
      const real = recorded(name);
      const result = await run(real.command.split(' ').slice(1), 'jane');
      expect([result.code, result.stdout.trim()]).toEqual([real.exit, real.output.trim()]);
    }
    const { real, result } = await replay('can-i-as-dave');
    expect(result.stdout.trim()).toBe(real.output.trim());
    const checkout = await run([
      'auth',
      'can-i',
      'patch',
      'deployments',
      '-n',
      'checkout',
      '--as',
      'jane',
    ]);
    expect([checkout.code, checkout.stdout.trim()]).toEqual([1, 'no']);
    const forbidden = await run(['get', 'deployments', '-n', 'prod'], 'jane');
    expect(forbidden.stderr.trim()).toBe(
      'Error from server (Forbidden): deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" in the namespace "prod"',
    );
  });

  it('lists what a user may do and who they are (auth can-i --list, auth whoami)', async () => {
    const list = await run(['auth', 'can-i', '--list', '-n', 'dev'], 'jane');
    const rows = cells(list.stdout, 'none');
    expect(rows[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    expect(rows).toContainEqual(['deployments.apps', '[]', '[]', '[create]']);
    expect(rows).toContainEqual([
      'selfsubjectaccessreviews.authorization.k8s.io',
      '[]',
      '[]',
      '[create]',
    ]);
    const elsewhere = cells(
      (await run(['auth', 'can-i', '--list', '-n', 'prod'], 'jane')).stdout,
      'none',
    );
    expect(elsewhere.map((r) => r[0])).not.toContain('deployments.apps');
    const whoami = await run(['auth', 'whoami'], 'jane');
    expect(cells(whoami.stdout, 'none')).toEqual([
      ['ATTRIBUTE', 'VALUE'],
      ['Groups', '[system:authenticated]'],
      ['Username', 'jane'],
    ]);
  });

  it('prints Argo Rollouts with the CRD printer columns', async () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'rollouts-demo' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'rollouts-demo' } },
        template: {
          metadata: { labels: { app: 'rollouts-demo' } },
          spec: { containers: [{ name: 'rollouts-demo', image: 'argoproj/rollouts-demo:blue' }] },
        },
        strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
      },
    };
    writeFileSync(join(home, 'rollout.json'), JSON.stringify(rollout));
    expect((await run(['create', '-f', join(home, 'rollout.json')])).code).toBe(0);
    await settled('rollout healthy', () => {
      const status = kube.get('Rollout', 'default', 'rollouts-demo', 'prod')?.status as {
        availableReplicas?: number;
      };
      return status?.availableReplicas === 5;
    });
    const list = await run(['get', 'ro']);
    expect(cells(list.stdout, 'rollouts-demo')).toEqual([
      ['NAME', 'DESIRED', 'CURRENT', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['rollouts-demo', '5', '5', '5', '5', '<age>'],
    ]);
  });
});
