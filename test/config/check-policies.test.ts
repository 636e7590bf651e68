import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatConfigErrors, loadConfig } from '../../src/config/load-config.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The repository's catalog and commands, one triage playbook, and edits of the catalog. */
async function configDir(playbook: string, catalogEdit = (c: string) => c): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mc-policy-'));
  temps.push(dir);
  await mkdir(path.join(dir, 'commands'));
  await mkdir(path.join(dir, 'playbooks', 'triage'), { recursive: true });
  const catalog = await readFile(path.join(REPO_ROOT, 'catalog.yml'), 'utf8');
  await writeFile(path.join(dir, 'catalog.yml'), catalogEdit(catalog));
  for (const name of await readdir(path.join(REPO_ROOT, 'commands'))) {
    const text = await readFile(path.join(REPO_ROOT, 'commands', name), 'utf8');
    await writeFile(path.join(dir, 'commands', name), text);
  }
  await writeFile(path.join(dir, 'playbooks', 'triage', 'scale-up.yml'), playbook);
  return dir;
}

const playbook = (approval: string) => `id: scale-up
kind: triage
title: Add replicas
description: Two more replicas.
match:
  alerts: [HighLatency]
steps:
  - action: k8s.scale
    params: { service: "{{ service }}", env: "{{ env }}", replicas: "+2" }
${approval}
`;

async function problems(dir: string): Promise<string[]> {
  const result = await loadConfig(dir);
  return result.ok ? [] : formatConfigErrors(result.errors).split('\n');
}

describe('config/check-policies', () => {
  it('accepts a playbook override that only tightens prod', async () => {
    const dir = await configDir(playbook('approval:\n  prod: { count: 2, roles: [sre-lead] }'));
    expect(await problems(dir)).toEqual([]);
  });

  it('refuses an override that would loosen prod: fewer approvals, or an approver the policy does not allow', async () => {
    const dir = await configDir(
      playbook(
        'approval:\n  prod: { count: 0, roles: [] }\n  staging: { count: 1, roles: [qa-lead] }',
      ),
    );
    expect(await problems(dir)).toEqual([
      'playbooks/triage/scale-up.yml: approval.prod.count: 0 is looser than the 1 approval(s) /mc triage runs in prod (commands/triage.yml, catalog.yml environments.prod.policy) need; a playbook may only tighten the policy (line 11)',
    ]);
    const roles = await configDir(
      playbook('approval:\n  prod: { count: 1, roles: [qa-lead, sre-lead] }'),
    );
    expect(await problems(roles)).toEqual([
      'playbooks/triage/scale-up.yml: approval.prod.roles.0: qa-lead may not approve /mc triage runs in prod (commands/triage.yml, catalog.yml environments.prod.policy): only sre-lead or release-manager; a playbook may only narrow who approves (line 11)',
    ]);
  });

  it('refuses a baseline that leaves a verb with nobody to ask or to approve, or names an unknown action', async () => {
    const dir = await configDir(playbook(''), (c) =>
      c
        .replace(
          'requesters: [oncall, sre-lead, release-manager]\n      approvals',
          'requesters: [secops]\n      approvals',
        )
        .replace(
          'reasonMinLength: 10\n',
          'reasonMinLength: 10\n      actions:\n        k8s.scael: { approvals: { count: 2, roles: [sre-lead] } }\n',
        ),
    );
    const lines = await problems(dir);
    expect(lines).toContain(
      'catalog.yml: environments.prod.policy.actions.k8s.scael: unknown action "k8s.scael"; known: ' +
        lines.find((l) => l.includes('k8s.scael'))?.split('known: ')[1],
    );
    expect(lines).toContain(
      'commands/rollback.yml: policy.requesters: nobody may run /mc rollback in prod: it shares no role with catalog.yml environments.prod.policy.requesters',
    );
    expect(lines.some((l) => l.includes('Did you mean "k8s.scale"?'))).toBe(true);
  });
});
