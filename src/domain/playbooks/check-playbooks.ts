import { suggest } from '../../util/suggest.ts';
import { type ConfigError, issuesToErrors, schemaKeys } from '../catalog/config-error.ts';
import type { Catalog } from '../catalog/schema.ts';
import { asArray, asRecord, asString } from '../commands/loose.ts';
import {
  type CheckedVocabulary,
  checkVocabularyFiles,
  isVocabularyFile,
} from '../vocabulary/check-vocabulary-files.ts';
import { checkDrillAgainst } from './check-drill.ts';
import { checkGateAgainst } from './check-gate.ts';
import type { ActionCatalog, PlaybookSource } from './check-inputs.ts';
import { checkPlaybookTests, type TestFile } from './check-playbook-tests.ts';
import { sampleLookup } from './sample-values.ts';
import {
  DrillPlaybook,
  GatePlaybook,
  PLAYBOOK_KINDS,
  type Playbook,
  TriagePlaybook,
} from './schema.ts';
import { eachString, renderDeep, templateProblems } from './template.ts';

export type { ActionCatalog, PlaybookSource } from './check-inputs.ts';
export type { TestFile } from './check-playbook-tests.ts';

export interface CheckedPlaybooks {
  playbooks: Playbook[];
  tests: TestFile[];
  /** `playbooks/vocabulary/*.yml`: the classified alert corpus. */
  vocabulary: CheckedVocabulary[];
  errors: ConfigError[];
}

type Problem = [(string | number)[], string];

const SCHEMAS = { triage: TriagePlaybook, gate: GatePlaybook, drill: DrillPlaybook };
const KEYS = {
  triage: schemaKeys(TriagePlaybook),
  gate: schemaKeys(GatePlaybook),
  drill: schemaKeys(DrillPlaybook),
};

/** Whether a playbook file holds test cases rather than a playbook. */
export function isTestFile(file: string): boolean {
  return /(^|\/)playbooks\/tests\//.test(file);
}

/** `; known: a, b. Did you mean "a"?` */
function known(name: string, names: string[]): string {
  const close = suggest(name, names);
  return `; known: ${names.join(', ') || '(none)'}${close ? `. Did you mean "${close}"?` : ''}`;
}

/** Problems found at `path` in `source`, as config errors with their line. */
export function located(source: PlaybookSource, problems: Problem[]): ConfigError[] {
  return problems.map(([path, message]) => {
    const line = source.lineOf?.(path);
    return {
      file: source.file,
      path: path.join('.') || '(root)',
      message,
      ...(line ? { line } : {}),
    };
  });
}

/**
 * Validates every playbook and test file, alone and together: schema, regexes, globs and
 * templates (in the schema), then actions and their params, approval roles and environments,
 * duplicate ids, and test cases naming unknown playbooks or services. The cross-checks read
 * the raw data, so a file with a schema error still gets them: every error, at once.
 */
export function checkPlaybooks(
  sources: PlaybookSource[],
  options: { actions: ActionCatalog; catalog?: Catalog },
): CheckedPlaybooks {
  const errors: ConfigError[] = [];
  const playbooks: Playbook[] = [];
  const idFile = new Map<string, string>();
  const triageIds: string[] = [];
  for (const source of sources.filter((s) => !isTestFile(s.file) && !isVocabularyFile(s.file))) {
    const raw = asRecord(source.data);
    const kind = asString(raw.kind);
    if (kind === undefined || !Object.hasOwn(SCHEMAS, kind)) {
      const kinds = PLAYBOOK_KINDS.map((k) => `"${k}"`).join(', ');
      const message =
        raw.kind === undefined
          ? `is required: one of ${kinds}`
          : `must be one of ${kinds}, not ${JSON.stringify(raw.kind)}${kind && suggest(kind, PLAYBOOK_KINDS) ? `. Did you mean "${suggest(kind, PLAYBOOK_KINDS)}"?` : ''}`;
      errors.push(...located(source, [[['kind'], message]]));
      continue;
    }
    const k = kind as keyof typeof SCHEMAS;
    const parsed = SCHEMAS[k].safeParse(source.data, { reportInput: true });
    if (!parsed.success) {
      errors.push(
        ...issuesToErrors(
          parsed.error.issues,
          source.file,
          KEYS[k],
          source.lineOf ?? (() => undefined),
        ),
      );
    }
    const id = asString(raw.id);
    const first = id === undefined ? undefined : idFile.get(id);
    if (id !== undefined && first) {
      errors.push(...located(source, [[['id'], `"${id}" is already defined in ${first}`]]));
    } else if (id !== undefined) {
      idFile.set(id, source.file);
      if (k === 'triage') triageIds.push(id);
    }
    if (k === 'triage') errors.push(...located(source, checkTriageAgainst(raw, options)));
    if (k === 'gate') errors.push(...located(source, checkGateAgainst(raw, options)));
    if (k === 'drill') errors.push(...located(source, checkDrillAgainst(raw, options)));
    if (parsed.success && !first) playbooks.push(parsed.data);
  }
  const tests = checkPlaybookTests(
    sources.filter((s) => isTestFile(s.file)),
    triageIds,
    options.catalog,
  );
  errors.push(...tests.errors);
  const vocabulary = checkVocabularyFiles(
    sources.filter((s) => isVocabularyFile(s.file)),
    triageIds,
  );
  errors.push(...vocabulary.errors);
  return { playbooks, tests: tests.files, vocabulary: vocabulary.files, errors };
}

/**
 * Checks that need the action registry or the service catalog, on raw data: each step names a
 * known action and its params, with placeholders filled by sample values, fit the action's
 * schema; approval overrides name known environments and roles.
 */
function checkTriageAgainst(
  raw: Record<string, unknown>,
  options: { actions: ActionCatalog; catalog?: Catalog },
): Problem[] {
  const problems: Problem[] = [];
  const names = options.actions.names();
  const lookup = sampleLookup(options.catalog);
  asArray(raw.steps).forEach((item, i) => {
    const step = asRecord(item);
    const action = asString(step.action);
    if (action === undefined) return;
    if (!names.includes(action)) {
      problems.push([['steps', i, 'action'], `unknown action "${action}"${known(action, names)}`]);
      return;
    }
    // A step whose templates are broken is reported once, for the template.
    let broken = false;
    eachString(step.params, (text) => {
      broken ||= templateProblems(text).length > 0;
    });
    if (broken) return;
    const { value } = renderDeep(step.params ?? {}, lookup);
    const check = options.actions.validateParams(action, value);
    for (const message of check.ok ? [] : check.errors) {
      // The registry writes `replicas: must be...`: point at the param itself when it can.
      const [, param, rest] = /^([\w-]+(?:\.[\w-]+)*): (.*)$/s.exec(message) ?? [];
      const at =
        param && rest ? ['steps', i, 'params', ...param.split('.')] : ['steps', i, 'params'];
      problems.push([at, `${rest ?? message} (${action}, with sample values for placeholders)`]);
    }
  });
  if (!options.catalog) return problems;
  const envs = Object.keys(options.catalog.environments);
  const roles = Object.keys(options.catalog.roles);
  for (const [env, value] of Object.entries(asRecord(raw.approval))) {
    if (!envs.includes(env)) {
      problems.push([['approval', env], `unknown environment "${env}"${known(env, envs)}`]);
    }
    asArray(asRecord(value).roles).forEach((role, j) => {
      if (typeof role === 'string' && !roles.includes(role)) {
        problems.push([
          ['approval', env, 'roles', j],
          `unknown role "${role}"${known(role, roles)}`,
        ]);
      }
    });
  }
  return problems;
}
