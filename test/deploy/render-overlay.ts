import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** The repository root (the folder holding deploy/). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The overlays shipped in deploy/overlays. */
export const OVERLAYS = ['single', 'ha'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** A rendered Kubernetes object, as plain data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML is read field by field in the tests
  [field: string]: any;
}

/** Renders `deploy/overlays/<overlay>` with `kubectl kustomize`, as a user would before `apply -k`. */
export function renderOverlay(overlay: Overlay): Promise<KubeObject[]> {
  return renderKustomization(path.join(ROOT, 'deploy', 'overlays', overlay));
}

/** Renders the kustomization in `dir` with `kubectl kustomize`. */
export async function renderKustomization(dir: string): Promise<KubeObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', dir], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 60_000,
    }));
  } catch (error) {
    // kubectl 1.27 or later (kustomize v5: components, labels); .ci/run expects it on the machine.
    throw new Error(
      `kubectl kustomize ${dir} failed (kubectl 1.27 or later is needed): ${(error as Error).message}`,
    );
  }
  return parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw document.errors[0];
    return document.toJS() as KubeObject;
  });
}

/** The one object of `kind` (and `name`, when given); throws naming what was rendered instead. */
export function only(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  if (found.length !== 1) {
    const rendered = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(
      `expected one ${kind}${name ? `/${name}` : ''}, found ${found.length} in: ${rendered}`,
    );
  }
  return found[0] as KubeObject;
}

/** Bytes in a Kubernetes memory quantity (`512Mi`, `1Gi`, `460M`). */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const units: Record<string, number> = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (units[match[2] ?? ''] as number);
}
