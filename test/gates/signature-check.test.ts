import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClients } from '../../src/adapters/kubernetes/create-kube-clients.ts';
import type { Catalog } from '../../src/config/schema.ts';
import { GatePlaybook } from '../../src/domain/playbooks/gate-schema.ts';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/evidence/signing/signing-key.ts';
import { runGateChecks } from '../../src/gates/run-checks.ts';
import {
  type KubeEmulator,
  kubeConfigFor,
  startKubeEmulator,
} from '../../src/sandbox/kubernetes/index.ts';
import {
  type BundleJson,
  fakeManifest,
  flipBase64,
  signBlob,
  signProvenance,
} from '../evidence/support/sign-artifact.ts';
import { STAGING } from '../support/runs-e2e.ts';
import { loadRepoConfig } from '../support/slack.ts';

const APP = fakeManifest('checkout-1.4.2');
const SIDECAR = fakeManifest('envoy-1.31');
const OTHER = fakeManifest('checkout-1.4.1');
const short = (hex: string) => `sha256:${hex.slice(0, 12)}…`;

/** A Deployment with the given containers (name → image), as catalog.yml names it. */
function deployment(name: string, namespace: string, containers: Record<string, string>) {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: Object.entries(containers).map(([n, image]) => ({ name: n, image })) },
      },
    },
  };
}

/** A gate set with one signature check. */
function signatureSet(
  bundles: { dir?: string; url?: string },
  keys: { dir?: string; url?: string },
) {
  return GatePlaybook.parse({
    id: 'supply-chain',
    kind: 'gate',
    title: 'Supply chain',
    description: 'Signed images only.',
    gates: [
      {
        name: 'Signed',
        checks: [{ id: 'signed', kind: 'signature', title: 'Images signed', bundles, keys }],
      },
    ],
  });
}

describe('src/gates/signature-check', () => {
  let kube: KubeEmulator;
  let catalog: Catalog;
  let root: string;
  let trusted: SigningKey;
  let untrusted: SigningKey;
  let server: Server;
  let baseUrl: string;
  /** Bundles served at `/bundles/<name>`. */
  const served = new Map<string, string>();

  const bundleName = (hex: string) => `sha256-${hex}.sigstore.json`;
  /** Writes bundles (digest hex → bundle) into `bundles/<name>` under the config dir. */
  async function bundlesDir(name: string, bundles: Record<string, BundleJson>): Promise<string> {
    const dir = path.join(root, 'bundles', name);
    await fs.mkdir(dir, { recursive: true });
    for (const [hex, bundle] of Object.entries(bundles)) {
      await fs.writeFile(path.join(dir, bundleName(hex)), JSON.stringify(bundle));
    }
    return dir;
  }
  async function genuine(): Promise<Record<string, BundleJson>> {
    return {
      [APP.hex]: await signProvenance(trusted, APP.hex),
      [SIDECAR.hex]: await signBlob(trusted, SIDECAR.bytes),
    };
  }

  /** The check's result; the config directory is `root` unless `configDir` is null. */
  const run = async (set: GatePlaybook, options: { service?: string; configDir?: null } = {}) => {
    const [gate] = await runGateChecks(
      set,
      { service: options.service ?? 'checkout', env: 'staging', version: '1.4.2' },
      {
        catalog,
        kube: createKubeClients(kubeConfigFor(kube, [STAGING], { clusterPerContext: true })),
        drills: { recent: async () => [] },
        clock: () => new Date(),
        ...(options.configDir === null ? {} : { configDir: root }),
      },
    );
    return gate!.checks[0]!;
  };

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'mc-signature-'));
    trusted = await loadOrCreateSigningKey({ dataDir: path.join(root, 'trusted') });
    untrusted = await loadOrCreateSigningKey({ dataDir: path.join(root, 'untrusted') });
    await fs.mkdir(path.join(root, 'keys'));
    await fs.writeFile(path.join(root, 'keys', 'release.pem'), trusted.publicKeyPem);
    await fs.writeFile(path.join(root, 'keys', 'README.txt'), 'not a key, not read');
    kube = await startKubeEmulator({ tickMs: 10 });
    kube.seed(
      [
        deployment('checkout', 'checkout', {
          app: `registry.acme.test/shop/checkout@${APP.digest}`,
          proxy: `registry.acme.test/shop/envoy@${SIDECAR.digest}`,
        }),
        deployment('gateway', 'edge', {
          envoy: `registry.acme.test/edge/envoy@${SIDECAR.digest}`,
          auth: 'registry.acme.test/edge/auth:2.0',
        }),
      ],
      STAGING,
    );
    catalog = (await loadRepoConfig()).catalog;
    for (const [hex, bundle] of Object.entries(await genuine())) {
      served.set(`/bundles/${bundleName(hex)}`, JSON.stringify(bundle));
    }
    served.set('/keys.pem', `${untrusted.publicKeyPem}${trusted.publicKeyPem}`);
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kube?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('passes when every image digest has a bundle that verifies with a trusted key', async () => {
    await bundlesDir('ok', await genuine());
    // Relative dirs resolve against the config directory.
    const result = await run(signatureSet({ dir: 'bundles/ok' }, { dir: 'keys' }));
    expect(result).toMatchObject({ status: 'passed', value: '2/2 signed' });
    expect(result.reason).toBe(
      `every image digest is signed by a trusted key (key ${trusted.hint.slice(0, 16)})`,
    );
  });

  it('fails a tampered bundle, with the verifier saying the signature does not verify', async () => {
    const bundles = await genuine();
    const app = bundles[APP.hex]!;
    app.dsseEnvelope!.signatures[0].sig = flipBase64(app.dsseEnvelope!.signatures[0].sig);
    const sidecar = bundles[SIDECAR.hex]!;
    sidecar.messageSignature!.signature = flipBase64(sidecar.messageSignature!.signature);
    const dir = await bundlesDir('tampered', bundles);
    const result = await run(signatureSet({ dir }, { dir: path.join(root, 'keys') }));
    expect(result).toMatchObject({ status: 'failed', value: '0/2 signed' });
    expect(result.reason).toContain(
      `app: ${dir}/${bundleName(APP.hex)}: signature check failed: the signature does not verify`,
    );
    expect(result.reason).toContain(`proxy: ${dir}/${bundleName(SIDECAR.hex)}: signature check`);
  });

  it('fails a bundle signed by a key that is not trusted', async () => {
    const bundles = await genuine();
    bundles[APP.hex] = await signProvenance(untrusted, APP.hex);
    await bundlesDir('untrusted', bundles);
    const result = await run(signatureSet({ dir: 'bundles/untrusted' }, { dir: 'keys' }));
    expect(result).toMatchObject({ status: 'failed', value: '1/2 signed' });
    expect(result.reason).toMatch(
      /^app: .*: signature check failed: the signature does not verify with any of 1 trusted key/,
    );
  });

  it('fails a genuine bundle whose subject is another artifact', async () => {
    const bundles = await genuine();
    bundles[APP.hex] = await signProvenance(trusted, OTHER.hex);
    await bundlesDir('other-subject', bundles);
    const result = await run(signatureSet({ dir: 'bundles/other-subject' }, { dir: 'keys' }));
    expect(result).toMatchObject({ status: 'failed', value: '1/2 signed' });
    expect(result.reason).toContain(
      `the signed statement is about ${short(OTHER.hex)}, not ${short(APP.hex)}`,
    );
  });

  it('fails a missing bundle, naming the digest and where it looked', async () => {
    const bundles = await genuine();
    delete bundles[SIDECAR.hex];
    const dir = await bundlesDir('missing', bundles);
    const result = await run(signatureSet({ dir: 'bundles/missing' }, { dir: 'keys' }));
    expect(result).toEqual({
      checkId: 'signed',
      title: 'Images signed',
      status: 'failed',
      value: '1/2 signed',
      reason: `proxy: no signature bundle for ${short(SIDECAR.hex)} (looked in ${dir}/${bundleName(SIDECAR.hex)})`,
    });
  });

  it('fails an image not pinned by digest, which cannot be verified', async () => {
    await bundlesDir('ok', await genuine());
    const result = await run(signatureSet({ dir: 'bundles/ok' }, { dir: 'keys' }), {
      service: 'gateway',
    });
    expect(result).toMatchObject({
      status: 'failed',
      reason:
        'cannot verify an image not pinned by digest: auth=`registry.acme.test/edge/auth:2.0`',
    });
  });

  it('reads keys and bundles over HTTP', async () => {
    const result = await run(
      signatureSet({ url: `${baseUrl}/bundles/` }, { url: `${baseUrl}/keys.pem` }),
    );
    expect(result).toMatchObject({ status: 'passed', value: '2/2 signed' });
    const missing = await run(
      signatureSet({ url: `${baseUrl}/nothing` }, { url: `${baseUrl}/keys.pem` }),
    );
    expect(missing).toMatchObject({ status: 'failed', value: '0/2 signed' });
    expect(missing.reason).toContain(`(looked in ${baseUrl}/nothing/${bundleName(APP.hex)})`);
  });

  it('is inconclusive when keys or bundles cannot be read', async () => {
    const unreachable = await run(
      signatureSet({ url: 'http://127.0.0.1:1/bundles' }, { url: `${baseUrl}/keys.pem` }),
    );
    expect(unreachable).toMatchObject({
      status: 'inconclusive',
      reason: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:1\/bundles\/sha256-/),
    });
    const noKeys = await run(signatureSet({ dir: 'bundles/ok' }, { url: 'http://127.0.0.1:1' }));
    expect(noKeys.status).toBe('inconclusive');
    const noDir = await run(signatureSet({ dir: 'bundles/ok' }, { dir: 'no-such-keys' }));
    expect(noDir).toMatchObject({
      status: 'inconclusive',
      reason: `cannot read the keys directory ${path.join(root, 'no-such-keys')}: ENOENT`,
    });
    const emptyKeys = await run(signatureSet({ dir: 'bundles/ok' }, { dir: 'bundles' }));
    expect(emptyKeys).toMatchObject({
      status: 'inconclusive',
      reason: `no *.pem public key in ${path.join(root, 'bundles')}`,
    });
  });

  it('resolves relative dirs against the process cwd when no config dir is known', async () => {
    await bundlesDir('ok', await genuine());
    const relative = (dir: string) => path.relative(process.cwd(), path.join(root, dir));
    const set = signatureSet({ dir: relative('bundles/ok') }, { dir: relative('keys') });
    expect(await run(set, { configDir: null })).toMatchObject({
      status: 'passed',
      value: '2/2 signed',
    });
  });
});
