import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { computeDora } from '../dora/compute-dora.ts';
import { formatDoraCsv, formatDoraText } from '../dora/format-dora.ts';
import { parseDoraInput, parseWindow, WindowError } from '../dora/parse-input.ts';
import { durationMs } from '../dora/stats.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc dora --input FILE [--since D] [--until D] [--format json|text|csv]
               [--service S] [--env E] [--attribution-window 24h]

Computes the four DORA keys from an exported change log, per service and env and overall.
FILE (JSON or YAML) holds
  { "changes": [{ "service", "env", "kind", "from"?, "to", "at", "by", "commitAt"?, "outcome", "id"? }],
    "incidents": [{ "service", "env", "openedAt", "resolvedAt"?, "changeRef"? }] }
--until is a date (default now); --since a date or a duration before --until (default 30d).
Exit 0 after a report, 1 on invalid input (every problem listed), 2 on bad usage.
`;

type Format = 'json' | 'text' | 'csv';
interface Options {
  input: string;
  format: Format;
  since?: string | undefined;
  until?: string | undefined;
  service?: string | undefined;
  env?: string | undefined;
  attributionMs: number;
}

function parseOptions(argv: string[]): Options | { help: true } | { error: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        format: { type: 'string', short: 'f', default: 'text' },
        since: { type: 'string' },
        until: { type: 'string' },
        service: { type: 'string' },
        env: { type: 'string' },
        'attribution-window': { type: 'string', default: '24h' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { help: true };
    if (!values.input) return { error: '--input FILE is required' };
    const format = values.format;
    if (format !== 'json' && format !== 'text' && format !== 'csv') {
      return { error: `--format must be json, text or csv, not "${format}"` };
    }
    const attributionMs = durationMs(values['attribution-window']);
    if (attributionMs === undefined) {
      return { error: '--attribution-window must be a duration like 24h or 2d' };
    }
    return {
      input: values.input,
      format,
      since: values.since,
      until: values.until,
      service: values.service,
      env: values.env,
      attributionMs,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

async function readData(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: file not found` : `${file}: ${String(error)}`);
  }
  const yaml = /\.ya?ml$/.test(file);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not ${yaml ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** `mc dora`: the DORA scorecard from an exported change log, offline. */
export async function runDora(argv: string[], io: CliIo, now = () => new Date()): Promise<number> {
  const options = parseOptions(argv);
  if ('help' in options) {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in options) {
    io.stderr(`mc dora: ${options.error}\n${USAGE}`);
    return 2;
  }
  let window: { since: Date; until: Date };
  try {
    window = parseWindow(options, now());
  } catch (error) {
    if (!(error instanceof WindowError)) throw error;
    io.stderr(`mc dora: ${error.message}\n`);
    return 2;
  }
  const file = path.resolve(io.cwd, options.input);
  const parsed = parseDoraInput(await readData(file));
  if (!parsed.ok) {
    io.stderr(`${parsed.problems.map((p) => `${options.input}: ${p}`).join('\n')}\n`);
    return 1;
  }
  const { report } = computeDora(parsed.input, {
    ...window,
    attributionWindowMs: options.attributionMs,
    ...(options.service ? { service: options.service } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (options.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (options.format === 'csv') io.stdout(formatDoraCsv(report));
  else io.stdout(formatDoraText(report));
  return 0;
}
