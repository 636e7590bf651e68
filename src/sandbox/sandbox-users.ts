import type { Catalog } from '../config/schema.ts';
import type { SandboxUser } from './console/interactions.ts';
import type { SlackEmulator } from './slack/slack-emulator.ts';

/**
 * The people of the sandbox workspace. Ids of the SRE lead, release manager and SecOps
 * approver are the ones catalog.yml lists under roles; the engineer is on call through the
 * on-call user group. A second SRE lead and the QA lead exist so every role has someone.
 */
export const SANDBOX_USERS: SandboxUser[] = [
  {
    id: 'U05OLIVE06',
    name: 'olive',
    realName: 'Olive Oncall',
    title: 'engineer, on call (oncall)',
  },
  { id: 'U01ALICE01', name: 'alice', realName: 'Alice Lead', title: 'SRE lead (sre-lead)' },
  {
    id: 'U02CAROL03',
    name: 'carol',
    realName: 'Carol Release',
    title: 'release manager (release-manager)',
  },
  { id: 'U03DAVID04', name: 'david', realName: 'David SecOps', title: 'SecOps approver (secops)' },
  { id: 'U01BOBBY02', name: 'bobby', realName: 'Bobby Lead', title: 'second SRE lead (sre-lead)' },
  { id: 'U04ERINN05', name: 'erin', realName: 'Erin QA', title: 'QA lead (qa-lead)' },
];

/** The handle Slack shows for each sandbox user group (`<!subteam^S02RELMGRS>` → @release-managers). */
export const SANDBOX_GROUPS: { id: string; handle: string }[] = [
  { id: 'S01SRELEAD', handle: 'sre-leads' },
  { id: 'S02RELMGRS', handle: 'release-managers' },
  { id: 'S03SECOPS1', handle: 'secops' },
  { id: 'S05ONCALL1', handle: 'oncall' },
];

/** Who is in each user group the catalog's roles name. */
const GROUPS: Record<string, string[]> = {
  S01SRELEAD: ['U01ALICE01', 'U01BOBBY02'],
  S02RELMGRS: ['U02CAROL03'],
  S03SECOPS1: ['U03DAVID04'],
  S05ONCALL1: ['U05OLIVE06'],
};

/** Seeds the users, and every user group the catalog names (empty when not listed above). */
export function seedUsers(slack: SlackEmulator, catalog: Catalog): void {
  for (const u of SANDBOX_USERS) slack.seedUser({ id: u.id, name: u.name, realName: u.realName });
  const groups = new Set(Object.values(catalog.roles).flatMap((r) => r.groups));
  for (const id of groups) slack.seedUsergroup(id, GROUPS[id] ?? []);
}
