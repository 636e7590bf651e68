import { describe, expect, it } from 'vitest';
import {
  type DeployRecord,
  shortImage,
  toTriageDeploy,
} from '../../../src/domain/deploys/deploy-record.ts';
import {
  formatAgo,
  type HistoryEntry,
  joinRevisions,
  revisionTable,
  rollbackTarget,
} from '../../../src/domain/deploys/revision-table.ts';
import { Deploy } from '../../../src/domain/triage/schema.ts';

const now = new Date('2026-11-22T12:00:00Z');
const history: HistoryEntry[] = [
  {
    revision: 5,
    images: { app: 'shop/checkout:1.4.0' },
    createdAt: '2026-11-18T12:00:00Z',
    current: false,
  },
  {
    revision: 6,
    images: { app: 'shop/checkout:1.4.1' },
    createdAt: '2026-11-22T09:00:00Z',
    current: false,
  },
  {
    revision: 7,
    images: { sidecar: 'envoy:1.30', app: 'shop/checkout:1.4.2' },
    createdAt: '2026-11-22T09:59:30Z',
    current: true,
    changeCause: 'ship PAY-1234',
  },
];
const record = (over: Partial<DeployRecord>): DeployRecord => ({
  id: 'd_aaaaaaaaaaaa',
  service: 'checkout',
  env: 'prod',
  toImage: 'shop/checkout:1.4.2',
  kind: 'deploy',
  by: 'U01ALICE01',
  outcome: 'succeeded',
  at: new Date('2026-11-22T10:00:00Z'),
  ...over,
});

describe('domain/deploys/revision-table', () => {
  it('joins the deploy log by revision, else by image, newest revision first', () => {
    const rows = joinRevisions({
      history,
      container: 'app',
      now,
      deploys: [
        record({ id: 'd_bbbbbbbbbbbb', toRevision: 7, by: 'alice' }),
        // An older record for revision 7's image but another revision number: not revision 7's.
        record({ id: 'd_cccccccccccc', toRevision: 3, by: 'mallory' }),
        record({
          id: 'd_dddddddddddd',
          toImage: 'shop/checkout:1.4.1',
          by: 'bob',
          at: new Date('2026-11-22T09:00:10Z'),
        }),
      ],
    });
    expect(rows.map((r) => [r.revision, r.image, r.deployedBy, r.age, r.current])).toEqual([
      [7, 'shop/checkout:1.4.2', 'alice', '2h ago', true],
      [6, 'shop/checkout:1.4.1', 'bob', '2h ago', false],
      [5, 'shop/checkout:1.4.0', undefined, '4d ago', false],
    ]);
    expect(rows[0]?.changeCause).toBe('ship PAY-1234');
    expect(revisionTable(rows)).toBe(
      [
        'rev 7 · shop/checkout:1.4.2 · 2h ago · @alice (current)',
        'rev 6 · shop/checkout:1.4.1 · 2h ago · @bob',
        'rev 5 · shop/checkout:1.4.0 · 4d ago',
      ].join('\n'),
    );
  });

  it('writes Slack user ids as mentions in the text', () => {
    const rows = joinRevisions({
      history,
      container: 'app',
      now,
      deploys: [record({ toRevision: 7 })],
    });
    expect(revisionTable(rows).split('\n')[0]).toBe(
      'rev 7 · shop/checkout:1.4.2 · 2h ago · <@U01ALICE01> (current)',
    );
  });

  it.each([
    [undefined, { from: 7, to: 6 }],
    [5, { from: 7, to: 5 }],
    [9, /has no revision 9; known: 5, 6, 7/],
    [7, /revision 7 is already what checkout\/prod runs/],
  ])('rollback --to %s', (to, expected) => {
    const rows = joinRevisions({ history, container: 'app', now, deploys: [] });
    const target = rollbackTarget(rows, 'checkout/prod', to);
    if (expected instanceof RegExp) {
      expect(target.ok).toBe(false);
      expect(!target.ok && target.message).toMatch(expected);
    } else {
      expect(target.ok && [target.from.revision, target.to.revision]).toEqual([
        expected.from,
        expected.to,
      ]);
    }
  });

  it('says there is nothing to roll back to with one revision or none', () => {
    const one = joinRevisions({ history: history.slice(2), container: 'app', now, deploys: [] });
    expect(rollbackTarget(one, 'checkout/prod')).toEqual({
      ok: false,
      message: 'checkout/prod has only revision 7; there is nothing earlier to roll back to.',
    });
    expect(rollbackTarget([], 'checkout/prod').ok).toBe(false);
  });

  it.each([
    [0, '0s ago'],
    [59_999, '59s ago'],
    [60_000, '1m ago'],
    [3_599_999, '59m ago'],
    [3_600_000, '1h ago'],
    [47 * 3_600_000, '47h ago'],
    [48 * 3_600_000, '2d ago'],
    [-5_000, '0s ago'],
  ])('formatAgo(%d) = %s', (ms, text) => {
    expect(formatAgo(ms)).toBe(text);
  });
});

describe('domain/deploys/deploy-record', () => {
  it.each([
    ['ghcr.io/acme/checkout:1.4.2', '1.4.2'],
    ['localhost:5000/checkout:v2', 'v2'],
    ['localhost:5000/checkout', 'latest'],
    [`ghcr.io/acme/payments@sha256:${'3f1c2b8e'.repeat(8)}`, 'sha256:3f1c2b8e'],
  ])('shortImage(%s) = %s', (image, short) => {
    expect(shortImage(image)).toBe(short);
  });

  it('maps a record onto triage’s deploy input, which its schema accepts', () => {
    const deploy = toTriageDeploy(record({ fromImage: 'shop/checkout:1.4.1' }));
    expect(deploy).toEqual({
      service: 'checkout',
      env: 'prod',
      from: '1.4.1',
      to: '1.4.2',
      by: 'U01ALICE01',
      at: '2026-11-22T10:00:00.000Z',
      kind: 'deploy',
      outcome: 'succeeded',
    });
    expect(Deploy.parse(deploy)).toEqual(deploy);
    expect(Deploy.parse(toTriageDeploy(record({}))).from).toBe('(none)');
  });
});
