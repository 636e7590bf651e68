import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why kubectl cannot run here, or undefined when `kubectl version --client` works. */
export function kubectlMissing(): string | undefined {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) return `kubectl is not on PATH (${probe.error.message})`;
  if (probe.status !== 0) return `kubectl version --client exited ${probe.status}: ${probe.stderr}`;
  return undefined;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs kubectl with its own kubeconfig and cache under `home`, never the user's. */
export function kubectl(
  home: string,
  args: string[],
  kubeconfig = 'kubeconfig',
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      [...args, `--kubeconfig=${join(home, kubeconfig)}`, `--cache-dir=${join(home, 'cache')}`],
      { env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}

/** A recorded real output: its command, exit code and text. */
export interface Recorded {
  source: string;
  command: string;
  exit: number;
  output: string;
}

const FIXTURES = join(import.meta.dirname, '../../fixtures/kubectl');

/** Reads `test/fixtures/kubectl/<name>.txt`. */
export function recorded(name: string): Recorded {
  const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
  const header = (key: string) => new RegExp(`^# ${key}: (.*)$`, 'm').exec(text)?.[1] ?? '';
  const output = text
    .split('\n')
    .filter((line) => !line.startsWith('# '))
    .join('\n');
  return {
    source: header('source'),
    command: header('command'),
    exit: Number(header('exit')),
    output,
  };
}

/** The path of a fixture file (manifests kubectl applies). */
export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

const AGE = /^(\d+[smhdy])+$|^<invalid>$/;

/**
 * Output as rows of cells, the way a reader compares two `kubectl get` outputs: columns split
 * on runs of spaces, ages, ReplicaSet hashes and pod suffixes masked, rows of each table sorted
 * (hash names order differently on every cluster), blank lines kept as table breaks.
 */
export function cells(output: string, workload: string): string[][] {
  const hash = new RegExp(`(${workload})-[a-z0-9]{6,10}(-[a-z0-9]{5})?\\b`, 'g');
  const tables: string[][][] = [[]];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      if ((tables.at(-1) ?? []).length > 0) tables.push([]);
      continue;
    }
    const row = line
      .split(/\s{2,}|\t+/)
      .map((c) =>
        c
          .replace(hash, (_m, name: string, pod?: string) => `${name}-<hash>${pod ? '-<pod>' : ''}`)
          .replace(/pod-template-hash=[a-z0-9]+/g, 'pod-template-hash=<hash>'),
      )
      .map((c) => (AGE.test(c) ? '<age>' : c));
    tables.at(-1)?.push(row);
  }
  return tables
    .filter((t) => t.length > 0)
    .flatMap((t) => {
      const [head, ...rows] = t;
      return [
        ...(head ? [head] : []),
        ...rows.sort((a, b) => a.join(' ').localeCompare(b.join(' '))),
        [],
      ];
    })
    .slice(0, -1);
}
