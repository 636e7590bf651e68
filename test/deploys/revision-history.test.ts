import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployLog } from '../../src/deploys/deploy-log.ts';
import { revisionHistory } from '../../src/deploys/revision-history.ts';
import { rollbackTarget } from '../../src/domain/deploys/revision-table.ts';
import { catalog, type DeployWorld, REV3_AT, startDeployWorld } from './deploy-world.ts';

// Two hours after revision 3: revision 1 is 2 days 3 hours old, revision 2 three hours.
const now = new Date(REV3_AT.getTime() + 2 * 3_600_000 + 30_000);

describe('deploys/revision-history against the Kubernetes emulator', () => {
  let w: DeployWorld;
  beforeAll(async () => {
    w = await startDeployWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  const history = (deployLog: Pick<DeployLog, 'recentDeploys'> = w.deployLog) =>
    revisionHistory({
      catalog,
      kube: w.world.ctx.kube,
      deployLog,
      service: 'checkout',
      env: 'staging',
      now,
    });

  it('lists revisions newest first with image, age and who deployed them', async () => {
    const h = await history();
    expect(h.label).toBe('checkout/staging');
    expect(h.text).toBe(
      [
        'rev 3 · shop/checkout:1.4.2 · 2h ago · <@U01ALICE01> (current)',
        'rev 2 · shop/checkout:1.4.1 · 3h ago · <@U01BOBBY02>',
        'rev 1 · shop/checkout:1.4.0 · 2d ago',
      ].join('\n'),
    );
    expect(h.deployLogUnavailable).toBeUndefined();
  });

  it('plans a rollback to the previous revision without --to, or to the one given', async () => {
    const { rows, label } = await history();
    const previous = rollbackTarget(rows, label);
    expect(previous.ok && [previous.from.image, previous.to.image]).toEqual([
      'shop/checkout:1.4.2',
      'shop/checkout:1.4.1',
    ]);
    const first = rollbackTarget(rows, label, 1);
    expect(first.ok && first.to.revision).toBe(1);
  });

  it('still lists revisions when the deploy log cannot be read', async () => {
    const h = await history({
      recentDeploys: async () => {
        throw new Error('connection terminated');
      },
    });
    expect(h.rows.map((r) => [r.revision, r.deployedBy])).toEqual([
      [3, undefined],
      [2, undefined],
      [1, undefined],
    ]);
    expect(h.deployLogUnavailable).toBe('the deploy log could not be read: connection terminated');
  });

  it('names the known environments for a typo', async () => {
    await expect(
      revisionHistory({
        catalog,
        kube: w.world.ctx.kube,
        deployLog: w.deployLog,
        service: 'checkout',
        env: 'prd',
        now,
      }),
    ).rejects.toThrow(
      '`checkout` has no environment `prd`. Known: staging, prod. Did you mean `prod`?',
    );
  });
});
