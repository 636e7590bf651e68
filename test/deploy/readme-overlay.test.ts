import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeObject, OVERLAYS, only, ROOT, renderKustomization } from './render-overlay.ts';

const MARKER = '# acme-mc/kustomization.yaml';
const SHIPPED = '../maestro-conductor/deploy/overlays/ha';

/** The overlay of README's "Install in a cluster", step 3, as printed there. */
async function readmeOverlay(): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/g;
  for (const match of readme.matchAll(block)) {
    const text = (match[1] as string).replace(/^ {3}/gm, '');
    if (text.startsWith(MARKER)) return text;
  }
  throw new Error(`README.md has no yaml block starting with ${MARKER}`);
}

describe.each(OVERLAYS)(
  'README, "Install in a cluster": your own overlay on overlays/%s',
  (overlay) => {
    let dir: string;
    let objects: KubeObject[];
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mc-readme-overlay-'));
      const text = await readmeOverlay();
      expect(text).toContain(SHIPPED);
      const own = path.join(dir, 'acme-mc');
      await mkdir(own);
      const shipped = path.relative(own, path.join(ROOT, 'deploy', 'overlays', overlay));
      await writeFile(path.join(own, 'kustomization.yaml'), text.replace(SHIPPED, shipped));
      objects = await renderKustomization(own);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('runs your image in every container', () => {
      const deployment = only(objects, 'Deployment', 'mc');
      const images = [deployment, ...objects.filter((o) => o.kind === 'CronJob')].flatMap((o) => {
        const spec =
          o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
        return [...(spec.initContainers ?? []), ...spec.containers].map((c: KubeObject) => c.image);
      });
      expect(new Set(images)).toEqual(
        new Set(['registry.acme.internal/platform/maestro-conductor:1.0.0']),
      );
    });

    it('merges your settings into the shipped ones and serves your host', () => {
      const deployment = only(objects, 'Deployment', 'mc');
      const name = deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name;
      expect(
        objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('mc-settings')),
      ).toHaveLength(1);
      expect(only(objects, 'ConfigMap', name).data).toMatchObject({
        MC_PUBLIC_URL: 'https://mc.acme.example',
        LOG_LEVEL: 'info',
      });
      const ingress = only(objects, 'Ingress', 'mc');
      expect(ingress.spec.rules.map((r: KubeObject) => r.host)).toEqual(['mc.acme.example']);
      expect(ingress.spec.tls[0].hosts).toEqual(['mc.acme.example']);
      const namespaced = objects.filter((o) => o.kind !== 'Namespace');
      expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['mc']));
    });
  },
);
