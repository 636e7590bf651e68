import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './slack.ts';

const MAIN = path.join(REPO_ROOT, 'src/main.ts');
/** What `npm start` runs: the compiled bot (`npm run build`). */
export const COMPILED_MAIN = path.join(REPO_ROOT, 'dist/main.js');

/** A bot started as `node src/main.ts`, its output collected. */
export interface Child {
  process: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts src/main.ts (through tsx) with only PATH and the given environment; `compiled` starts
 * dist/main.js with plain node, as `npm start` and the container do.
 */
export function startMain(env: Record<string, string>, compiled = false): Child {
  return compiled ? startNode([COMPILED_MAIN], env) : startEntry(MAIN, env);
}

/** Starts another TypeScript entry (through tsx), such as a test's own bot process. */
export function startEntry(entry: string, env: Record<string, string>): Child {
  return startNode(['--import', 'tsx', entry], env);
}

function startNode(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, stdout: () => out, stderr: () => err, exited };
}

/** The first stdout line matching pattern; fails with all output when it does not come. */
export async function waitForLine(
  child: Child,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = child
      .stdout()
      .split('\n')
      .find((l) => pattern.test(l));
    if (line) return line;
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `no line ${pattern} within ${timeoutMs} ms.\n${child.stdout()}\n${child.stderr()}`,
  );
}
