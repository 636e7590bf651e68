import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import { type Child, startMain, waitForLine } from '../support/main-process.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slack.ts';
import { type KubeObject, only, renderOverlay } from './render-overlay.ts';

const run = promisify(execFile);

/** The Secrets a user creates, as the kubelet resolves them. */
const SECRETS: Record<string, Record<string, string>> = {
  'mc-secrets': { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET },
};

/**
 * The pod of overlays/single started as the kubelet would, on this machine: its volumes are
 * directories (the ConfigMap's items written at their paths, the Secret's key file), its init
 * container's command runs first, and the bot gets exactly the container's environment. Only
 * the listen address (a free port on 127.0.0.1) and the Slack API (the emulator) differ.
 */
describe('deploy/overlays/single: the pod starts the bot', () => {
  let root: string;
  let slack: SlackEmulator;
  let bot: Child;
  let container: KubeObject;
  let ingress: KubeObject;
  let baseUrl: string;
  let publicKey: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mc-pod-'));
    slack = await createSlackEmulator({ botToken: BOT_TOKEN });
    const objects = await renderOverlay('single');
    const deployment = only(objects, 'Deployment', 'mc');
    ingress = only(objects, 'Ingress', 'mc');
    const pod = deployment.spec.template.spec;
    container = pod.containers.find((c: KubeObject) => c.name === 'mc');
    const volumes = new Map<string, KubeObject>(pod.volumes.map((v: KubeObject) => [v.name, v]));

    // Each volume is a directory; a mount path inside the pod maps to it.
    const dirs = new Map<string, string>();
    for (const [name, volume] of volumes) {
      const dir = path.join(root, 'volumes', name);
      await mkdir(dir, { recursive: true, mode: 0o755 });
      dirs.set(name, dir);
      if (volume.configMap) {
        const configMap = only(objects, 'ConfigMap', volume.configMap.name);
        for (const item of volume.configMap.items as { key: string; path: string }[]) {
          await mkdir(path.dirname(path.join(dir, item.path)), { recursive: true });
          await writeFile(path.join(dir, item.path), configMap.data[item.key]);
        }
      }
      if (volume.secret?.secretName === 'mc-signing-key') {
        const { privateKey, publicKey: pub } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        publicKey = pub.export({ format: 'pem', type: 'spki' }).toString();
        const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
        // Group-readable, as the kubelet writes it with fsGroup: the init container fixes that.
        await writeFile(path.join(dir, 'signing-key.pem'), pem, { mode: 0o440 });
      }
    }
    const local = (mounts: KubeObject[], file: string): string => {
      const mount = mounts.find((m) => file === m.mountPath || file.startsWith(`${m.mountPath}/`));
      if (!mount) return file;
      return path.join(dirs.get(mount.name) as string, path.relative(mount.mountPath, file));
    };

    for (const init of pod.initContainers ?? []) {
      const [command, ...args] = (init.command as string[]).map((a) => local(init.volumeMounts, a));
      await run(command as string, args);
    }

    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      Object.assign(env, only(objects, 'ConfigMap', from.configMapRef.name).data);
    }
    for (const entry of container.env as KubeObject[]) {
      const ref = entry.valueFrom?.secretKeyRef;
      const value = ref ? SECRETS[ref.name]?.[ref.key] : local(container.volumeMounts, entry.value);
      if (value === undefined && !ref?.optional) throw new Error(`no value for ${entry.name}`);
      if (value !== undefined) env[entry.name] = value;
    }
    bot = startMain({ ...env, PORT: '0', HOST: '127.0.0.1', SLACK_API_URL: slack.apiUrl });
    const started = JSON.parse(await waitForLine(bot, /"mc started"/, 90_000));
    baseUrl = `http://127.0.0.1:${started.port}`;
  }, 120_000);

  afterAll(async () => {
    if (bot?.process.exitCode === null) bot.process.kill('SIGKILL');
    await slack?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('passes its start-up, liveness and readiness probes', async () => {
    for (const probe of ['startupProbe', 'livenessProbe']) {
      const response = await fetch(`${baseUrl}${container[probe].httpGet.path}`);
      expect(response.status, probe).toBe(200);
    }
    // Ready once Slack accepted the token: the kubelet probes again, so does this.
    let ready: Response = await fetch(`${baseUrl}${container.readinessProbe.httpGet.path}`);
    while (ready.status !== 200 && bot.process.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${baseUrl}${container.readinessProbe.httpGet.path}`);
    }
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok (pglite)' } });
  });

  it('signs with the key from the Secret, copied by the init container', async () => {
    const key = await fetch(`${baseUrl}/evidence/keys`);
    expect(await key.text()).toContain(publicKey.trim());
  });

  it('answers on every path the Ingress routes to it, and serves /metrics for the ServiceMonitor', async () => {
    const paths: { path: string; pathType: string }[] = ingress.spec.rules.flatMap(
      (r: KubeObject) => r.http.paths,
    );
    const probes: Record<string, string> = {
      '/slack/events': '/slack/events',
      '/webhooks/': '/webhooks/alertmanager',
      '/evidence/': '/evidence/keys',
    };
    for (const { path: routed } of paths) {
      const url = `${baseUrl}${probes[routed] ?? routed}`;
      const method = routed === '/evidence/' ? 'GET' : 'POST';
      const response = await fetch(url, { method, body: method === 'POST' ? '{}' : undefined });
      expect(response.status, `${method} ${url}`).not.toBe(404);
    }
    const metrics = await fetch(`${baseUrl}/metrics`);
    expect(await metrics.text()).toContain('# TYPE mc_slack_ack_seconds histogram');
  });

  it('stops cleanly on SIGTERM, as the kubelet sends it after preStop', async () => {
    bot.process.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});
