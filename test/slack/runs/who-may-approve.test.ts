import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/config/schema.ts';
import { approversFor, whoMayApprove } from '../../../src/slack/runs/who-may-approve.ts';

const roles = Catalog.shape.roles.parse({
  'sre-lead': { description: 'leads', users: ['U01ALICE01', 'U01BOBBY02'], groups: ['S01SRELEAD'] },
  'release-manager': { description: 'rm', users: ['U02CAROL03'] },
});
const view = (selfApproval: boolean) => ({
  run: { requester: 'U01ALICE01' },
  requirements: { approvals: { count: 1, roles: ['sre-lead', 'release-manager'] }, selfApproval },
});

describe('src/slack/runs/who-may-approve', () => {
  it('names every holder of an approver role, without the requester where they may not approve', () => {
    expect(approversFor(view(false) as never, roles)).toEqual({
      users: ['U01BOBBY02', 'U02CAROL03'],
      groups: ['S01SRELEAD'],
    });
    expect(approversFor(view(true) as never, roles).users).toEqual([
      'U01ALICE01',
      'U01BOBBY02',
      'U02CAROL03',
    ]);
  });

  it('leaves the requester out of the refusal’s list, group members included', async () => {
    const holders = await whoMayApprove(
      ['sre-lead'],
      { roles },
      async () => ['U01ALICE01', 'U05DAVE'],
      'U01ALICE01',
    );
    expect(holders).toEqual([
      {
        role: 'sre-lead',
        users: ['U01BOBBY02'],
        groups: [{ id: 'S01SRELEAD', members: ['U05DAVE'] }],
      },
    ]);
  });
});
