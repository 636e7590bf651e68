import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackEmulator, type SlackEmulator } from '../../src/sandbox/slack/slack-emulator.ts';
import type { Child } from '../support/main-process.ts';
import { createTestDatabase, postgresSkipReason } from '../support/postgres.ts';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slack.ts';
import { type KubeObject, type Overlay, only, ROOT, renderOverlay } from './render-overlay.ts';
import { type LocalPod, layOutPod, type Secrets, startBot } from './start-pod.ts';

const run = promisify(execFile);
/** `mc`, from the sources (dist/ may be older than them). */
const MC = ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts')];

const CASES: { overlay: Overlay; store: string; skip: boolean }[] = [
  { overlay: 'single', store: 'ok (pglite)', skip: false },
  { overlay: 'ha', store: 'ok (postgres)', skip: postgresSkipReason() !== null },
];

/**
 * An overlay's pod started as the kubelet would, on this machine (start-pod.ts): only the
 * listen address (a free port on 127.0.0.1) and the Slack API (the emulator) differ.
 */
describe.each(CASES)(
  'deploy/overlays/$overlay: the pod starts the bot',
  ({ overlay, store, skip }) => {
    let root: string;
    let slack: SlackEmulator;
    let database: { url: string; drop(): Promise<void> } | undefined;
    let objects: KubeObject[];
    let pod: LocalPod;
    let bot: Child;
    let container: KubeObject;
    let baseUrl: string;
    let publicKey: string;

    beforeAll(async () => {
      if (skip) return;
      root = await mkdtemp(path.join(os.tmpdir(), `mc-pod-${overlay}-`));
      slack = await createSlackEmulator({ botToken: BOT_TOKEN });
      database = overlay === 'ha' ? await createTestDatabase() : undefined;
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      publicKey = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const secrets: Secrets = {
        'mc-secrets': {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          ...(database ? { DATABASE_URL: database.url } : {}),
        },
        'mc-signing-key': {
          'signing-key.pem': keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        },
      };
      objects = await renderOverlay(overlay);
      const template = only(objects, 'Deployment', 'mc').spec.template.spec;
      container = template.containers.find((c: KubeObject) => c.name === 'mc');
      pod = await layOutPod(objects, template, secrets, root);
      ({ bot, baseUrl } = await startBot(pod, container, { SLACK_API_URL: slack.apiUrl }));
    }, 120_000);

    afterAll(async () => {
      if (bot?.process.exitCode === null) bot.process.kill('SIGKILL');
      await bot?.exited;
      await slack?.close();
      await database?.drop();
      if (root) await rm(root, { recursive: true, force: true });
    });

    it.skipIf(skip)('passes its start-up, liveness and readiness probes', async () => {
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
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store } });
    });

    it.skipIf(skip)(
      'signs with the key from the Secret, copied by the init container',
      async () => {
        const key = await fetch(`${baseUrl}/evidence/keys`);
        expect(await key.text()).toContain(publicKey.trim());
      },
    );

    it.skipIf(skip)(
      'answers on every path the Ingress routes to it, and serves /metrics',
      async () => {
        const ingress = only(objects, 'Ingress', 'mc');
        const paths: string[] = ingress.spec.rules.flatMap((r: KubeObject) =>
          r.http.paths.map((p: KubeObject) => p.path),
        );
        const requests: Record<string, [string, string]> = {
          '/slack/events': ['POST', '/slack/events'],
          '/webhooks/': ['POST', '/webhooks/alertmanager'],
          '/evidence/': ['GET', '/evidence/keys'],
        };
        expect(paths.sort()).toEqual(Object.keys(requests).sort());
        for (const [method, at] of Object.values(requests)) {
          const response = await fetch(`${baseUrl}${at}`, {
            method,
            body: method === 'POST' ? '{}' : undefined,
          });
          expect(response.status, `${method} ${at}`).not.toBe(404);
        }
        const metrics = await fetch(`${baseUrl}/metrics`);
        expect(await metrics.text()).toContain('# TYPE mc_slack_ack_seconds histogram');
      },
    );

    it.skipIf(skip || overlay !== 'ha')(
      'runs the nightly ledger check with the public key only, on the database the bot writes',
      async () => {
        // A signed daily root to check: yesterday's, signed with the bot's key as the bot does.
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        await run(process.execPath, [...MC, 'ledger', 'root', '--date', yesterday], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', ...pod.env(container) },
        });
        const job = only(objects, 'CronJob', 'mc-ledger-verify').spec.jobTemplate.spec.template
          .spec;
        const verify = async (publicPem: string) => {
          const configMap = {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'mc-signing-public-key' },
            data: { 'signing-key.pub': publicPem },
          };
          const jobPod = await layOutPod(
            [...objects, configMap],
            job,
            { 'mc-secrets': { DATABASE_URL: database?.url as string } },
            await mkdtemp(path.join(root, 'ledger-verify-')),
          );
          return jobPod.exec(job.containers[0]);
        };
        const { stdout } = await verify(publicKey);
        expect(stdout).toContain('OK: the chain is intact.');
        expect(stdout).toMatch(/signed daily roots: 1 checked with key [0-9a-f]+, all match/);

        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
        const refused = await verify(other.export({ format: 'pem', type: 'spki' }).toString()).then(
          () => undefined,
          (error: { code: number; stderr: string }) => error,
        );
        expect(refused?.code).toBe(1);
        expect(refused?.stderr).toContain(
          `TAMPERED: the ledger no longer matches the signed root of ${yesterday}`,
        );
      },
    );

    it.skipIf(skip)('stops cleanly on SIGTERM, as the kubelet sends it after preStop', async () => {
      bot.process.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    });
  },
);
