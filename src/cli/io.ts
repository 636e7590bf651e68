/** What a CLI subcommand may touch; tests pass buffers, main passes the process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A subcommand of `mc`: returns the process exit code. */
export type CliCommand = (argv: string[], io: CliIo) => Promise<number>;

/** Collects output in memory, for tests and for embedding. */
export function bufferIo(cwd: string, env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    cwd,
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
