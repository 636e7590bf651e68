import { promises as fs } from 'node:fs';
import path from 'node:path';
import { resolveTarget } from '../actions/resolve-target.ts';
import { imagesOf } from '../adapters/kubernetes/replica-sets.ts';
import { readWorkload } from '../adapters/kubernetes/workload.ts';
import type { GateCheck, SignatureSource } from '../domain/playbooks/gate-schema.ts';
import {
  type PublicSigningKey,
  publicKeyFromPem,
  readPublicKeyFile,
} from '../evidence/signing/signing-key.ts';
import { verifyArtifactBundle } from '../evidence/signing/verify-artifact-bundle.ts';
import type { CheckSources, GateSubject } from './check-sources.ts';
import type { CheckResult } from './decide-gate.ts';

type Outcome = Omit<CheckResult, 'checkId' | 'title'>;
type SignatureCheck = Extract<GateCheck, { kind: 'signature' }>;

const PINNED = /@sha256:([0-9a-f]{64})$/;
const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** Where files of `source` are: an absolute directory, or a base URL without trailing slash. */
function locate(source: SignatureSource, configDir: string | undefined): string {
  if (source.url) return source.url.replace(/\/+$/, '');
  return path.resolve(configDir ?? process.cwd(), source.dir ?? '.');
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** GETs `url`: the body, or undefined on 404. Anything else throws (the check is inconclusive). */
async function get(url: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { ...(signal ? { signal } : {}), redirect: 'follow' });
  } catch (error) {
    throw new Error(`cannot reach ${url}: ${errorText(error)}`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  return response.text();
}

/** The trusted keys: every `*.pem` of the directory, or each PEM public key the URL serves. */
async function readKeys(
  source: SignatureSource,
  where: string,
  signal: AbortSignal | undefined,
): Promise<PublicSigningKey[]> {
  if (source.url) {
    const text = await get(where, signal);
    const pems = text?.match(PUBLIC_KEY_PEM) ?? [];
    if (pems.length === 0) throw new Error(`${where} serves no PEM public key`);
    return pems.map((pem, i) => {
      try {
        return publicKeyFromPem(pem);
      } catch (error) {
        throw new Error(`key #${i + 1} at ${where}: ${(error as Error).message}`);
      }
    });
  }
  let names: string[];
  try {
    names = (await fs.readdir(where)).filter((name) => name.endsWith('.pem')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot read the keys directory ${where}: ${code}`);
  }
  if (names.length === 0) throw new Error(`no *.pem public key in ${where}`);
  return Promise.all(names.map((name) => readPublicKeyFile(path.join(where, name))));
}

/** The bundle text for `sha256:<hex>` and where it was looked for; text undefined when absent. */
async function readBundle(
  source: SignatureSource,
  where: string,
  hex: string,
  signal: AbortSignal | undefined,
): Promise<{ text: string | undefined; at: string }> {
  const name = `sha256-${hex}.sigstore.json`;
  if (source.url) {
    const at = `${where}/${name}`;
    return { text: await get(at, signal), at };
  }
  const at = path.join(where, name);
  try {
    return { text: await fs.readFile(at, 'utf8'), at };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { text: undefined, at };
    throw new Error(`cannot read ${at}: ${code ?? (error as Error).message}`);
  }
}

/** Why the bundle of one digest does not verify, or the hint of the key it verified with. */
async function verifyDigest(
  check: SignatureCheck,
  where: { bundles: string; keys: PublicSigningKey[] },
  hex: string,
  signal: AbortSignal | undefined,
): Promise<{ keyHint: string } | { problem: string }> {
  const digest = `sha256:${hex}`;
  const { text, at } = await readBundle(check.bundles, where.bundles, hex, signal);
  if (text === undefined) {
    return { problem: `no signature bundle for sha256:${hex.slice(0, 12)}… (looked in ${at})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `${at} is not JSON` };
  }
  const result = verifyArtifactBundle(json, { digest, keys: where.keys });
  return result.ok ? { keyHint: result.keyHint } : { problem: `${at}: ${result.reason}` };
}

/**
 * Every container image of the service's workload in the target environment is pinned by
 * digest and has a sigstore bundle that verifies with a trusted key. Missing or bad bundles
 * fail the check; keys or bundles that cannot be read throw, so the check is inconclusive.
 */
export async function signatureCheck(
  check: SignatureCheck,
  subject: GateSubject,
  sources: CheckSources,
  signal?: AbortSignal,
): Promise<Outcome> {
  const target = resolveTarget(sources.catalog, subject.service, subject.env);
  const workload = await readWorkload(sources.kube, target.workload);
  const images = Object.entries(imagesOf(workload.template));
  const unpinned = images.filter(([, image]) => !PINNED.test(image));
  if (unpinned.length > 0) {
    return {
      status: 'failed',
      reason: `cannot verify an image not pinned by digest: ${unpinned.map(([c, image]) => `${c}=\`${image}\``).join(', ')}`,
    };
  }
  const keys = await readKeys(check.keys, locate(check.keys, sources.configDir), signal);
  const bundles = locate(check.bundles, sources.configDir);
  const results = await Promise.all(
    images.map(async ([container, image]) => ({
      container,
      result: await verifyDigest(check, { bundles, keys }, PINNED.exec(image)![1]!, signal),
    })),
  );
  const signed = results.filter((r) => 'keyHint' in r.result);
  const value = `${signed.length}/${images.length} signed`;
  const problems = results.flatMap(({ container, result }) =>
    'problem' in result ? [`${container}: ${result.problem}`] : [],
  );
  if (problems.length > 0) return { status: 'failed', value, reason: problems.join('; ') };
  const hints = [
    ...new Set(signed.map((r) => ('keyHint' in r.result ? r.result.keyHint.slice(0, 16) : ''))),
  ];
  return {
    status: 'passed',
    value,
    reason: `every image digest is signed by a trusted key (${hints.map((h) => `key ${h}`).join(', ')})`,
  };
}
