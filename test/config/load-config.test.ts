import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatConfigErrors, loadConfig } from '../../src/config/load-config.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const FIXTURES = path.resolve(HERE, '../fixtures/config');

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A config dir made of the repo's own files, some replaced (null: removed; `dir/`: empty dir). */
async function configDir(files: Record<string, string | null>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-config-'));
  temps.push(dir);
  const base: Record<string, string> = {
    'catalog.yml': await readFile(path.join(REPO_ROOT, 'catalog.yml'), 'utf8'),
  };
  for (const name of await readdir(path.join(REPO_ROOT, 'commands'))) {
    base[`commands/${name}`] = await readFile(path.join(REPO_ROOT, 'commands', name), 'utf8');
  }
  for (const [file, text] of Object.entries({ ...base, ...files })) {
    if (text === null) continue;
    if (file.endsWith('/')) {
      await mkdir(path.join(dir, file), { recursive: true });
      continue;
    }
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

async function errorLines(dir: string): Promise<string[]> {
  const result = await loadConfig(dir);
  if (result.ok) throw new Error(`expected errors in ${dir}`);
  return formatConfigErrors(result.errors).split('\n');
}

describe('config/load-config', () => {
  it('loads the repository config: every verb, service, environment and role', async () => {
    const result = await loadConfig(REPO_ROOT);
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const { commands, catalog } = result.config;
    expect([...commands.keys()].sort()).toEqual([
      'deploy',
      'dora',
      'drill',
      'gate',
      'help',
      'rollback',
      'status',
      'triage',
    ]);
    expect(Object.keys(catalog.services)).toEqual(['checkout', 'payments', 'gateway']);
    expect(catalog.defaults.environment).toBe('staging');
    expect(catalog.environments.prod?.protected).toBe(true);
    expect(catalog.environments.staging?.protected).toBe(false);
    expect(Object.keys(catalog.roles).sort()).toEqual([
      'oncall',
      'qa-lead',
      'release-manager',
      'secops',
      'sre-lead',
    ]);
  });

  it.each(['deploy', 'rollback'])(
    '%s to prod needs one approval from sre-lead or release-manager, with a reason, not your own',
    async (verb) => {
      const result = await loadConfig(REPO_ROOT);
      if (!result.ok) throw new Error(formatConfigErrors(result.errors));
      const policy = result.config.commands.get(verb)?.policy.environments;
      expect(policy?.prod).toMatchObject({
        approvals: { count: 1, roles: ['sre-lead', 'release-manager'] },
        reasonRequired: true,
        selfApproval: false,
      });
      expect(policy?.staging?.approvals.count).toBe(0);
    },
  );

  it.each(['gate', 'drill'])('%s in prod needs approval', async (verb) => {
    const result = await loadConfig(REPO_ROOT);
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const prod = result.config.commands.get(verb)?.policy.environments.prod;
    expect(prod?.approvals.count).toBeGreaterThan(0);
    expect(prod?.selfApproval).toBe(false);
  });

  it('lists every error of every file at once, with dotted paths and lines', async () => {
    expect(await errorLines(path.join(FIXTURES, 'broken'))).toEqual([
      'catalog.yml: services.checkout.slo.0.comparison: must be one of "<", "<=", ">", ">=", not "=<" (line 23)',
      'catalog.yml: services.checkout.dependencies.0: unknown service "paymnts"; known: checkout, payments. Did you mean "payments"? (line 26)',
      'catalog.yml: services.checkout.environments.prd: unknown environment "prd"; known: staging, prod. Did you mean "prod"? (line 34)',
      'catalog.yml: services.payments.slo.0.query: has unbalanced (), [] or {} (line 47)',
      'catalog.yml: roles.sre-lead.users.0: must be a Slack user id like U01ALICE01 (line 60)',
      'catalog.yml: roles.release-manager.grups: unknown key; did you mean "groups"? (line 65)',
      'commands/deploy.yml: arguments.1.type: must be one of "string", "int", "boolean", "service", "environment", "version", "duration", "enum", "verb", "service-or-incident", not "semver" (line 10)',
      'commands/deploy.yml: policy.requesters.0: unknown role "oncall"; known: sre-lead, release-manager (line 21)',
      'commands/deploy.yml: policy.environments.prod.approvals.roles.0: unknown role "sre-leads"; known: sre-lead, release-manager. Did you mean "sre-lead"? (line 28)',
      'commands/deploy.yml: policy.environments.prod.selfApproval: must be false: "prod" is a protected environment (line 30)',
      'commands/rolback.yml: verb: is "rollback" but the file is named rolback.yml; rename the file to rollback.yml (line 1)',
      'commands/rolback.yml: usage: does not mention --to (line 3)',
      'commands/rolback.yml: flags.1.default: "previous" is not a valid int (line 15)',
      'commands/rolback.yml: policy.environments: has no rule for environment "staging" (line 20)',
      'commands/status.yml: (syntax): Missing closing "quote (line 7, column 1)',
      'playbooks/triage/crashloop.yml: (syntax): Flow sequence in block collection must be sufficiently indented and end with a ] (line 6, column 1)',
    ]);
  });

  it('says which files and directories are missing', async () => {
    expect(await errorLines(path.join(FIXTURES, 'missing'))).toEqual([
      'catalog.yml: (file): file not found',
      'commands/: (file): directory not found',
    ]);
  });

  it('lists playbook files relative to the config dir, sorted', async () => {
    const dir = await configDir({
      'playbooks/gates/release.yml':
        'id: release\nkind: gate\ntitle: Release\ndescription: Checks.\ngates:\n  - name: Rollout health\n    checks:\n      - { id: healthy, kind: rollout-healthy, title: Rolled out }\n',
      'playbooks/drills/pod-kill.yaml':
        'id: pod-kill\nkind: drill\ntitle: Kill\ndescription: Chaos.\nenvironments: [staging]\nfault: { kind: pod-kill, count: 1 }\nrecovery: { condition: { kind: replicas-available }, rto: 1m }\nmaxDuration: 5m\nrestore: { kind: await-recovery, description: Replaced by the ReplicaSet. }\n',
      'playbooks/README.md': '# not a playbook\n',
    });
    const result = await loadConfig(dir);
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    expect(result.config.playbookFiles).toEqual([
      'playbooks/drills/pod-kill.yaml',
      'playbooks/gates/release.yml',
    ]);
    expect(result.config.playbooks.map((p) => `${p.kind}:${p.id}`)).toEqual([
      'drill:pod-kill',
      'gate:release',
    ]);
    expect(result.config.dir).toBe(dir);
  });

  it.each<[string, Record<string, string | null>, string[]]>([
    [
      'duplicate keys',
      {
        'commands/help.yml':
          'verb: help\nverb: help\nsummary: x\nusage: /mc help\npolicy: { requesters: anyone }\n',
      },
      ['commands/help.yml: (syntax): Map keys must be unique (line 2, column 1)'],
    ],
    [
      'an empty commands directory',
      {
        'commands/': '',
        ...Object.fromEntries(
          ['deploy', 'rollback', 'gate', 'drill', 'triage', 'status', 'help', 'dora'].map((v) => [
            `commands/${v}.yml`,
            null,
          ]),
        ),
      },
      ['commands/: (file): has no .yml command specs'],
    ],
    [
      'a default environment the catalog does not define',
      {
        'catalog.yml':
          'defaults: { environment: qa, slackChannel: "#ops" }\nenvironments: { staging: { description: s, protected: false } }\nservices: {}\nroles: {}\n',
      },
      ['catalog.yml: defaults.environment: unknown environment "qa"; known: staging (line 1)'],
    ],
    [
      'a file that is not a mapping',
      { 'commands/help.yml': '- just\n- a list\n' },
      ['commands/help.yml: (root): must be object, not a list (line 1)'],
    ],
  ])('reports %s', async (_, files, expected) => {
    const lines = await errorLines(await configDir(files));
    expect(lines).toEqual(expect.arrayContaining(expected));
  });

  it('names a missing required field and an unknown key with its closest match', async () => {
    const deploy = await readFile(path.join(REPO_ROOT, 'commands/deploy.yml'), 'utf8');
    const text = deploy
      .replace('summary: Deploy a release of a service to an environment\n', '')
      .replace('reasonRequired: true', 'reasonRequierd: true');
    const lines = await errorLines(await configDir({ 'commands/deploy.yml': text }));
    expect(lines).toEqual(
      expect.arrayContaining([
        'commands/deploy.yml: summary: is required (string) (line 1)',
        expect.stringMatching(
          /^commands\/deploy\.yml: policy\.environments\.prod\.reasonRequierd: unknown key; did you mean "reasonRequired"\? \(line \d+\)$/,
        ),
        expect.stringMatching(
          /^commands\/deploy\.yml: policy\.environments\.prod\.reasonRequired: is required \(boolean\)/,
        ),
      ]),
    );
  });

  it('says a key the schema knows elsewhere is misplaced, not misspelt', async () => {
    const deploy = await readFile(path.join(REPO_ROOT, 'commands/deploy.yml'), 'utf8');
    const text = deploy.replace(/(flags:\n {2}- name: [a-z-]+\n)/, '$1    required: true\n');
    expect(text).not.toBe(deploy);
    const lines = await errorLines(await configDir({ 'commands/deploy.yml': text }));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^commands\/deploy\.yml: flags\.0\.required: unknown key; it is not allowed here \(line \d+\)$/,
        ),
      ]),
    );
  });
});
