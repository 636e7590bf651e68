import { parseArgs } from 'node:util';
import { formatConfigErrors, loadConfig } from '../config/load-config.ts';
import { userConfigCacheDir } from '../config/yaml-cache.ts';
import { configDir } from './config-dir.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: mc validate [--dir DIR]

Checks commands/*.yml, catalog.yml and playbooks/ in DIR (default: $MC_CONFIG_DIR, else the current directory)
and lists every problem as "file: path: message". Exit 0 when all is valid, 1 when not,
2 on bad usage.
`;

/** `mc validate`: loads the config directory and prints every error, or a one-line summary. */
export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  let dir: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    dir = values.dir;
  } catch (error) {
    io.stderr(`mc validate: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const root = configDir(io, dir);
  const result = await loadConfig(root, { cacheDir: userConfigCacheDir(io.env) });
  if (!result.ok) {
    const count = result.errors.length;
    io.stderr(`${formatConfigErrors(result.errors)}\n`);
    io.stderr(`${count} problem${count === 1 ? '' : 's'} in ${root}\n`);
    return 1;
  }
  const { commands, catalog, playbookFiles } = result.config;
  const parts = [
    plural(commands.size, 'command'),
    plural(Object.keys(catalog.services).length, 'service'),
    plural(Object.keys(catalog.environments).length, 'environment'),
    plural(Object.keys(catalog.roles).length, 'role'),
    plural(playbookFiles.length, 'playbook file'),
  ];
  io.stdout(`OK: ${parts.join(', ')}\n`);
  return 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
