import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { asRecord, asString } from '../domain/commands/loose.ts';
import {
  type ActionCatalog,
  checkPlaybooks,
  type TestFile,
} from '../domain/playbooks/check-playbooks.ts';
import type { Playbook } from '../domain/playbooks/schema.ts';
import type { CheckedVocabulary } from '../domain/vocabulary/check-vocabulary-files.ts';
import { catalogNames, checkCommandAgainstCatalog } from './check-commands.ts';
import { checkPolicies } from './check-policies.ts';
import {
  type ConfigError,
  FILE_PATH,
  formatConfigErrors,
  issuesToErrors,
  schemaKeys,
} from './config-error.ts';
import { readYaml } from './read-yaml.ts';
import { Catalog, CommandSpec } from './schema.ts';

export { type ConfigError, formatConfigErrors };

/** Everything the bot reads from the config directory, validated. */
export interface LoadedConfig {
  /** Absolute config directory; `playbookFiles` are relative to it. */
  dir: string;
  commands: Map<string, CommandSpec>;
  catalog: Catalog;
  /** `playbooks/**\/*.yml`, relative to `dir`, sorted (test files included). */
  playbookFiles: string[];
  /** Every playbook (triage, gate, drill), validated against the actions and the catalog. */
  playbooks: Playbook[];
  /** `playbooks/tests/*.yml`: the cases `mc playbooks test` runs. */
  playbookTests: TestFile[];
  /** `playbooks/vocabulary/*.yml`: public alert rule sets, each alert classified. */
  vocabulary: CheckedVocabulary[];
}

export interface LoadConfigOptions {
  /** Actions playbook steps are checked against; default the built-in registry. */
  actions?: ActionCatalog;
  /** Where parsed YAML is cached between runs (see yaml-cache.ts); none when absent. */
  cacheDir?: string;
}

export type LoadConfigResult =
  | { ok: true; config: LoadedConfig }
  | { ok: false; errors: ConfigError[] };

const YAML_FILE = /\.ya?ml$/;
const COMMAND_KEYS = schemaKeys(CommandSpec);
const CATALOG_KEYS = schemaKeys(Catalog);

/** Files under dir/sub ending in .yml/.yaml, relative to dir with `/`; undefined if no such directory. */
async function listYaml(
  dir: string,
  sub: string,
  recursive: boolean,
): Promise<string[] | undefined> {
  try {
    const names = await readdir(path.join(dir, sub), { recursive });
    return names
      .filter((name) => YAML_FILE.test(name))
      .map((name) => `${sub}/${name.split(path.sep).join('/')}`)
      .sort();
  } catch {
    return undefined;
  }
}

/**
 * Loads `commands/*.yml`, `catalog.yml` and the list of `playbooks/**\/*.yml` from `dir`, and
 * validates them, each alone and against each other. Returns every error found, not the first:
 * YAML syntax (with line), schema (with dotted path), cross-references, missing files. File
 * names in errors are relative to `dir`.
 */
export async function loadConfig(
  dir: string,
  options: LoadConfigOptions = {},
): Promise<LoadConfigResult> {
  const root = path.resolve(dir);
  const errors: ConfigError[] = [];
  const [commandFiles, playbookFiles, catalogFile] = await Promise.all([
    listYaml(root, 'commands', false),
    listYaml(root, 'playbooks', true),
    readYaml(path.join(root, 'catalog.yml'), 'catalog.yml', options.cacheDir),
  ]);

  errors.push(...catalogFile.errors);
  let catalog: Catalog | undefined;
  if (catalogFile.data !== undefined) {
    const parsed = Catalog.safeParse(catalogFile.data, { reportInput: true });
    if (parsed.success) catalog = parsed.data;
    else
      errors.push(
        ...issuesToErrors(parsed.error.issues, 'catalog.yml', CATALOG_KEYS, catalogFile.lineOf),
      );
  }
  const names = catalogNames(catalogFile.data);

  if (!commandFiles)
    errors.push({ file: 'commands/', path: FILE_PATH, message: 'directory not found' });
  else if (commandFiles.length === 0) {
    errors.push({ file: 'commands/', path: FILE_PATH, message: 'has no .yml command specs' });
  }
  const commands = new Map<string, CommandSpec>();
  const specFiles = await Promise.all(
    (commandFiles ?? []).map(async (file) => ({
      file,
      yaml: await readYaml(path.join(root, file), file, options.cacheDir),
    })),
  );
  for (const { file, yaml } of specFiles) {
    errors.push(...yaml.errors);
    if (yaml.data === undefined) continue;
    const verb = asString(asRecord(yaml.data).verb);
    const base = path.posix.basename(file);
    if (verb !== undefined && base.replace(YAML_FILE, '') !== verb) {
      errors.push({
        file,
        path: 'verb',
        message: `is "${verb}" but the file is named ${base}; rename the file to ${verb}.yml`,
        ...lineAt(yaml.lineOf, ['verb']),
      });
    }
    errors.push(...checkCommandAgainstCatalog(yaml.data, names, file, yaml.lineOf));
    const parsed = CommandSpec.safeParse(yaml.data, { reportInput: true });
    if (!parsed.success) {
      errors.push(...issuesToErrors(parsed.error.issues, file, COMMAND_KEYS, yaml.lineOf));
    } else if (commands.has(parsed.data.verb)) {
      errors.push({ file, path: 'verb', message: `"${parsed.data.verb}" is defined twice` });
    } else {
      commands.set(parsed.data.verb, parsed.data);
    }
  }

  const playbookYaml = await Promise.all(
    (playbookFiles ?? []).map(async (file) => ({
      file,
      yaml: await readYaml(path.join(root, file), file, options.cacheDir),
    })),
  );
  for (const { yaml } of playbookYaml) errors.push(...yaml.errors);
  const sources = playbookYaml
    .filter(({ yaml }) => yaml.data !== undefined)
    .map(({ file, yaml }) => ({ file, data: yaml.data, lineOf: yaml.lineOf }));
  const actions =
    sources.length > 0 || catalog ? (options.actions ?? (await builtinActions())) : undefined;
  const checked =
    sources.length > 0 && actions
      ? checkPlaybooks(sources, { actions, ...(catalog ? { catalog } : {}) })
      : { playbooks: [], tests: [], vocabulary: [], errors: [] };
  errors.push(...checked.errors);
  if (catalog && actions) {
    errors.push(
      ...checkPolicies({ catalog, commands, playbooks: sources, actionNames: actions.names() }),
    );
  }

  if (errors.length > 0 || !catalog) return { ok: false, errors: sortByFile(errors) };
  return {
    ok: true,
    config: {
      dir: root,
      commands,
      catalog,
      playbookFiles: playbookFiles ?? [],
      playbooks: checked.playbooks,
      playbookTests: checked.tests,
      vocabulary: checked.vocabulary,
    },
  };
}

// Loaded only when there are playbooks to check: the actions pull in the Kubernetes client.
async function builtinActions(): Promise<ActionCatalog> {
  const { createBuiltinActionRegistry } = await import('../actions/builtin-actions.ts');
  return createBuiltinActionRegistry();
}

function lineAt(lineOf: (p: PropertyKey[]) => number | undefined, at: PropertyKey[]) {
  const line = lineOf(at);
  return line ? { line } : {};
}

// Catalog first, then commands, then playbooks; within a file by line, then in the order found.
function sortByFile(errors: ConfigError[]): ConfigError[] {
  const order = (file: string) =>
    file === 'catalog.yml' ? 0 : file.startsWith('commands/') ? 1 : 2;
  return errors
    .map((error, index) => ({ error, index }))
    .sort(
      (a, b) =>
        order(a.error.file) - order(b.error.file) ||
        a.error.file.localeCompare(b.error.file) ||
        (a.error.line ?? Number.MAX_SAFE_INTEGER) - (b.error.line ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index,
    )
    .map(({ error }) => error);
}
