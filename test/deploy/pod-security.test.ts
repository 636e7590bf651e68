import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../src/config/env.ts';
import {
  type KubeObject,
  memoryBytes,
  OVERLAYS,
  only,
  ROOT,
  renderOverlay,
} from './render-overlay.ts';

/** Variables of the environment contract that hold a credential: never in a ConfigMap or a literal. */
const SECRET_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'PAGERDUTY_TOKEN',
  'PAGERDUTY_WEBHOOK_SECRET',
  'ALERTMANAGER_WEBHOOK_TOKEN',
  'DATABASE_URL',
] as const;

/** How long the bot waits in stop() for running actions (src/bot.ts), in seconds. */
function stopGraceSeconds(): number {
  const source = readFileSync(path.join(ROOT, 'src', 'bot.ts'), 'utf8');
  const match = /stopGraceMs \?\? ([\d_]+)/.exec(source);
  if (!match) throw new Error('src/bot.ts no longer has a default stopGraceMs: update this test');
  return Number((match[1] as string).replaceAll('_', '')) / 1000;
}

/** Pod templates of the Deployment and of any CronJob. */
function podSpecs(objects: KubeObject[]): { owner: string; spec: KubeObject['spec'] }[] {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment')
      return [{ owner: `Deployment/${o.metadata.name}`, spec: o.spec.template.spec }];
    if (o.kind === 'CronJob') {
      return [{ owner: `CronJob/${o.metadata.name}`, spec: o.spec.jobTemplate.spec.template.spec }];
    }
    return [];
  });
}

describe.each(OVERLAYS)('deploy/overlays/%s: security and operations', (overlay) => {
  let objects: KubeObject[];
  let deployment: KubeObject;
  let bot: KubeObject;
  beforeAll(async () => {
    objects = await renderOverlay(overlay);
    deployment = only(objects, 'Deployment', 'mc');
    bot = deployment.spec.template.spec.containers.find((c: KubeObject) => c.name === 'mc');
  });

  it('runs every pod as the image user, non-root, with a read-only root filesystem and no privileges', () => {
    for (const { owner, spec } of podSpecs(objects)) {
      expect(spec.securityContext, owner).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${owner} container ${container.name}`;
        expect(container.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext.privileged ?? false, where).toBe(false);
        expect(container.image, `${where} runs the overlay's image`).toBe(bot.image);
        for (const resource of ['cpu', 'memory']) {
          expect(
            container.resources?.requests?.[resource],
            `${where} requests.${resource}`,
          ).toBeTruthy();
          expect(
            container.resources?.limits?.[resource],
            `${where} limits.${resource}`,
          ).toBeTruthy();
        }
      }
      expect(spec.hostNetwork ?? false, owner).toBe(false);
      expect(spec.hostPID ?? false, owner).toBe(false);
    }
    const volumes = new Map(
      deployment.spec.template.spec.volumes.map((v: KubeObject) => [v.name, v]),
    );
    const tmp = bot.volumeMounts.find((m: KubeObject) => m.mountPath === '/tmp');
    expect(volumes.get(tmp?.name), 'a writable /tmp').toHaveProperty('emptyDir');
  });

  it('sets the image in the overlay, not the placeholder of the base', () => {
    expect(bot.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/-]+:[\w.-]+$/);
  });

  it('limits memory above the measured peak (README, "Performance")', () => {
    // README: an alert storm peaks at 460 MB on the embedded store, 298 MB on PostgreSQL. The
    // embedded store's first start runs initdb in a child (817 MiB peak RSS, measured) next to
    // the bot (307 MiB idle at most).
    const peak = overlay === 'single' ? (817 + 307) * 2 ** 20 : 298e6;
    expect(memoryBytes(bot.resources.limits.memory)).toBeGreaterThan(peak);
    expect(memoryBytes(bot.resources.requests.memory)).toBeLessThanOrEqual(
      memoryBytes(bot.resources.limits.memory),
    );
  });

  it('matches the image: its port, its data volume and its non-root user', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const port = bot.ports.find((p: KubeObject) => p.name === 'http');
    expect(dockerfile).toContain(`EXPOSE ${port.containerPort}`);
    const dataDir: string = bot.env.find((e: KubeObject) => e.name === 'MC_DATA_DIR').value;
    const volume = /VOLUME \["([^"]+)"\]/.exec(dockerfile)?.[1] as string;
    expect(dataDir.startsWith(`${volume}/`) || dataDir === volume, dataDir).toBe(true);
    expect(bot.volumeMounts.map((m: KubeObject) => m.mountPath)).toContain(volume);
    // The image's user is `node`, uid 1000 in the official node images.
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('probes /healthz for liveness and start-up and /readyz for readiness, on the port the bot listens on', () => {
    const port = bot.ports.find((p: KubeObject) => p.name === 'http');
    const listens = bot.env.find((e: KubeObject) => e.name === 'PORT');
    expect(String(port.containerPort)).toBe(listens.value);
    expect(bot.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(bot.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(bot.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const service = only(objects, 'Service', 'mc');
    expect(service.spec.ports.map((p: KubeObject) => p.targetPort)).toEqual(['http']);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('gives the bot time to drain: preStop, then the stop grace of src/bot.ts, within the termination grace', () => {
    const command: string[] = bot.lifecycle.preStop.exec.command;
    expect(command[0]).toBe('sleep');
    const preStop = Number(command[1]);
    expect(preStop).toBeGreaterThan(0);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
      preStop + stopGraceSeconds(),
    );
  });

  it('takes every secret from a Secret, and names only variables the bot reads', () => {
    const known = new Set(Object.keys(Env.shape));
    const settings = only(
      objects,
      'ConfigMap',
      deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name,
    );
    const names = [...bot.env.map((e: KubeObject) => e.name), ...Object.keys(settings.data)];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    for (const variable of SECRET_VARIABLES) {
      expect(known.has(variable), `${variable} is in the environment contract`).toBe(true);
      expect(Object.keys(settings.data), `${variable} in a ConfigMap`).not.toContain(variable);
      const entry = bot.env.find((e: KubeObject) => e.name === variable);
      if (overlay === 'single' && variable === 'DATABASE_URL') {
        expect(entry, 'the embedded store needs no DATABASE_URL').toBeUndefined();
        continue;
      }
      expect(entry?.valueFrom?.secretKeyRef, variable).toMatchObject({
        name: 'mc-secrets',
        key: variable,
      });
    }
    for (const { owner, spec } of podSpecs(objects)) {
      for (const container of spec.containers) {
        for (const from of container.envFrom ?? []) expect(from.secretRef, owner).toBeUndefined();
      }
    }
    // The signing key is a file: copied from the Secret mc-signing-key into a memory volume.
    const keyFile: string = bot.env.find((e: KubeObject) => e.name === 'MC_SIGNING_KEY').value;
    const volumes: KubeObject[] = deployment.spec.template.spec.volumes;
    const keyMount = bot.volumeMounts.find((m: KubeObject) =>
      keyFile.startsWith(`${m.mountPath}/`),
    );
    expect(volumes.find((v) => v.name === keyMount.name)?.emptyDir).toEqual({
      medium: 'Memory',
      sizeLimit: '1Mi',
    });
    expect(volumes.find((v) => v.secret)?.secret.secretName).toBe('mc-signing-key');
    for (const variable of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) {
      expect(
        bot.env.find((e: KubeObject) => e.name === variable)?.valueFrom.secretKeyRef.optional,
      ).toBeFalsy();
    }
  });

  it('documents every key of the Secret in deploy/base/secret.example.yaml', async () => {
    const example = await readFile(
      path.join(ROOT, 'deploy', 'base', 'secret.example.yaml'),
      'utf8',
    );
    const keys = podSpecs(objects).flatMap(({ spec }) =>
      spec.containers.flatMap((c: KubeObject) =>
        (c.env ?? []).map((e: KubeObject) => e.valueFrom?.secretKeyRef?.key).filter(Boolean),
      ),
    );
    for (const key of keys) expect(example, key).toMatch(new RegExp(`^ +(# )?${key}:`, 'm'));
  });

  it('grants no cluster-wide role and mounts the API token only into the bot', () => {
    expect(objects.filter((o) => /^Cluster/.test(o.kind))).toEqual([]);
    expect(only(objects, 'ServiceAccount', 'mc').automountServiceAccountToken).toBe(false);
    for (const { owner, spec } of podSpecs(objects)) {
      expect(spec.serviceAccountName, owner).toBe('mc');
      const mountsToken = spec.automountServiceAccountToken === true;
      expect(mountsToken, owner).toBe(owner === 'Deployment/mc');
    }
  });

  it('exposes only Slack, the webhooks and evidence through the Ingress', () => {
    const ingress = only(objects, 'Ingress', 'mc');
    const paths: string[] = ingress.spec.rules.flatMap((r: KubeObject) =>
      r.http.paths.map((p: KubeObject) => p.path),
    );
    expect(paths.sort()).toEqual(['/evidence/', '/slack/events', '/webhooks/']);
    for (const internal of ['/metrics', '/healthz', '/readyz']) {
      expect(
        paths.some((p) => internal.startsWith(p) || p.startsWith(internal)),
        internal,
      ).toBe(false);
    }
  });

  it('lets traffic in only on the HTTP port and out only to DNS, the API server, HTTPS, Prometheus and Alertmanager', () => {
    const policy = only(objects, 'NetworkPolicy', 'mc');
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    for (const [key, value] of Object.entries(deployment.spec.template.metadata.labels)) {
      if (key in policy.spec.podSelector.matchLabels)
        expect(policy.spec.podSelector.matchLabels[key]).toBe(value);
    }
    const ingressPorts = policy.spec.ingress.flatMap(
      (rule: KubeObject) => rule.ports ?? [undefined],
    );
    expect(ingressPorts).toEqual([{ port: 'http', protocol: 'TCP' }]);
    const egressPorts: string[] = policy.spec.egress
      .flatMap((rule: KubeObject) => rule.ports ?? [{ port: 'any', protocol: 'any' }])
      .map((p: KubeObject) => `${p.protocol}/${p.port}`)
      .sort();
    const expected = ['TCP/443', 'TCP/443', 'TCP/53', 'TCP/6443', 'TCP/9090', 'TCP/9093', 'UDP/53'];
    expect(egressPorts).toEqual(overlay === 'ha' ? [...expected, 'TCP/5432'].sort() : expected);
  });
});
