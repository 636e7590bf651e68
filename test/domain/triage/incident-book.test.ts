import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applySignal,
  type BookOptions,
  createIncidentBook,
  type IncidentBook,
} from '../../../src/domain/triage/incident-book.ts';
import type { IncidentChange, Signal } from '../../../src/domain/triage/schema.ts';
import { alert, deployed, page, resolved, t } from './world.ts';

function replay(signals: Signal[], options?: BookOptions) {
  let book: IncidentBook = createIncidentBook();
  const changes: string[] = [];
  for (const signal of signals) {
    const applied = applySignal(book, signal, options);
    book = applied.book;
    changes.push(`${applied.change}${applied.incident ? ` ${applied.incident.id}` : ''}`);
  }
  return { book, changes };
}

/** Each incident as `id service/env status: signal ids`. */
function incidents(book: IncidentBook): string[] {
  return book.incidents.map(
    (i) =>
      `${i.id} ${i.service ?? '?'}/${i.env ?? '?'} ${i.status}: ${i.signals.map((s) => s.id).join(',')}`,
  );
}

const crash = alert('fp-crash', 'KubePodCrashLooping', '03:14');
const oom = alert('fp-oom', 'KubeContainerOOMKilled', '03:15');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('domain/triage/incident-book: correlation', () => {
  it.each<[string, Signal[], string[], string[]]>([
    [
      'two alerts of one service and env join one incident',
      [crash, oom],
      ['opened inc-1', 'updated inc-1'],
      ['inc-1 checkout/prod open: fp-crash,fp-oom'],
    ],
    [
      'the same service in another env is another incident',
      [crash, alert('fp-stg', 'KubePodCrashLooping', '03:15', { env: 'staging' })],
      ['opened inc-1', 'opened inc-2'],
      ['inc-1 checkout/prod open: fp-crash', 'inc-2 checkout/staging open: fp-stg'],
    ],
    [
      'another service is another incident',
      [crash, alert('fp-pay', 'KubePodCrashLooping', '03:15', { service: 'payments' })],
      ['opened inc-1', 'opened inc-2'],
      ['inc-1 checkout/prod open: fp-crash', 'inc-2 payments/prod open: fp-pay'],
    ],
    [
      'a repeated notification of a firing alert changes nothing',
      [crash, { ...crash }],
      ['opened inc-1', 'ignored inc-1'],
      ['inc-1 checkout/prod open: fp-crash'],
    ],
    [
      'one of two signals resolving resolves it; the last one closes the incident',
      [crash, oom, resolved(oom, '03:20'), resolved(crash, '03:22')],
      ['opened inc-1', 'updated inc-1', 'resolved inc-1', 'closed inc-1'],
      ['inc-1 checkout/prod closed: fp-crash,fp-oom'],
    ],
    [
      'noise opens nothing: Watchdog, InfoInhibitor, severity info and none',
      [
        alert('fp-w', 'Watchdog', '03:00', { severity: 'none', service: undefined }),
        alert('fp-i', 'InfoInhibitor', '03:00', { severity: 'none' }),
        alert('fp-t', 'CPUThrottlingHigh', '03:00', { severity: 'info' }),
        alert('fp-n', 'KubeQuotaAlmostFull', '03:00', { severity: 'none' }),
      ],
      ['ignored', 'ignored', 'ignored', 'ignored'],
      [],
    ],
    [
      'a resolution of an alert never seen firing opens nothing',
      [resolved(crash, '03:20')],
      ['ignored'],
      [],
    ],
    [
      'a stale firing notification after the resolution is ignored',
      [crash, resolved(crash, '03:20'), { ...crash }],
      ['opened inc-1', 'closed inc-1', 'ignored'],
      ['inc-1 checkout/prod closed: fp-crash'],
    ],
    [
      'the same alert firing again a minute after the close opens a new incident',
      [crash, resolved(crash, '03:20'), alert('fp-crash', 'KubePodCrashLooping', '03:21')],
      ['opened inc-1', 'closed inc-1', 'opened inc-2'],
      ['inc-1 checkout/prod closed: fp-crash', 'inc-2 checkout/prod open: fp-crash'],
    ],
    [
      'an unrelated TargetDown after a resolved payments incident does not reopen it',
      [
        alert('fp-pay', 'PaymentsLatencyHigh', '03:00', { service: 'payments' }),
        resolved(alert('fp-pay', 'PaymentsLatencyHigh', '03:00', { service: 'payments' }), '03:10'),
        alert('fp-td', 'TargetDown', '03:12', { service: 'payments' }),
      ],
      ['opened inc-1', 'closed inc-1', 'opened inc-2'],
      ['inc-1 payments/prod closed: fp-pay', 'inc-2 payments/prod open: fp-td'],
    ],
    [
      'a late resolution of a closed incident’s signal stays with it',
      [crash, oom, resolved(crash, '03:20'), resolved(oom, '03:21'), resolved(oom, '03:22')],
      ['opened inc-1', 'updated inc-1', 'resolved inc-1', 'closed inc-1', 'closed inc-1'],
      ['inc-1 checkout/prod closed: fp-crash,fp-oom'],
    ],
    [
      'an alert firing again after the window opens a new incident',
      [crash, resolved(crash, '03:20'), alert('fp-crash', 'KubePodCrashLooping', '04:00')],
      ['opened inc-1', 'closed inc-1', 'opened inc-2'],
      ['inc-1 checkout/prod closed: fp-crash', 'inc-2 checkout/prod open: fp-crash'],
    ],
    [
      'a PagerDuty incident of the same service joins; its ack updates, its resolve closes',
      [
        crash,
        page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:16'),
        {
          ...page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:16'),
          status: 'acknowledged',
          at: t('03:18'),
        },
        resolved(crash, '03:25'),
        {
          ...page('Q2KX9L7RM1ZB4T', '[FIRING:1] KubePodCrashLooping', '03:16'),
          status: 'resolved',
          at: t('03:26'),
          resolvedAt: t('03:26'),
        },
      ],
      ['opened inc-1', 'updated inc-1', 'updated inc-1', 'resolved inc-1', 'closed inc-1'],
      ['inc-1 checkout/prod closed: fp-crash,Q2KX9L7RM1ZB4T'],
    ],
    [
      'alerts of no known service join by Alertmanager group key',
      [
        alert('fp-a', 'NodeDiskFull', '03:14', {
          service: undefined,
          env: undefined,
          groupKey: '{}:{alertname="NodeDiskFull"}',
        }),
        alert('fp-b', 'NodeDiskFull', '03:15', {
          service: undefined,
          env: undefined,
          groupKey: '{}:{alertname="NodeDiskFull"}',
        }),
        alert('fp-c', 'NodeFilesystemAlmostOutOfFiles', '03:15', {
          service: undefined,
          env: undefined,
          groupKey: '{}:{alertname="NodeFilesystemAlmostOutOfFiles"}',
        }),
      ],
      ['opened inc-1', 'updated inc-1', 'opened inc-2'],
      ['inc-1 ?/? open: fp-a,fp-b', 'inc-2 ?/? open: fp-c'],
    ],
    [
      "a page from Alertmanager's PagerDuty integration joins its group by incident key (sha256 of the group key)",
      [
        alert('fp-a', 'NodeDiskFull', '03:14', {
          service: undefined,
          env: undefined,
          groupKey: '{}:{alertname="NodeDiskFull"}',
        }),
        page('Q9DISK', '[FIRING:1] NodeDiskFull', '03:15', {
          service: undefined,
          env: undefined,
          groupKey: sha256('{}:{alertname="NodeDiskFull"}'),
        }),
      ],
      ['opened inc-1', 'updated inc-1'],
      ['inc-1 ?/? open: fp-a,Q9DISK'],
    ],
    [
      'a group key never merges two known services',
      [
        alert('fp-a', 'KubePodCrashLooping', '03:14', { groupKey: 'g' }),
        alert('fp-b', 'KubePodCrashLooping', '03:14', { service: 'payments', groupKey: 'g' }),
      ],
      ['opened inc-1', 'opened inc-2'],
      ['inc-1 checkout/prod open: fp-a', 'inc-2 payments/prod open: fp-b'],
    ],
  ])('%s', (_, signals, changes, expected) => {
    const result = replay(signals);
    expect(result.changes).toEqual(changes);
    expect(incidents(result.book)).toEqual(expected);
  });

  it('links a new incident to the closed one it follows: by the signal seen before, else the target', () => {
    const td = alert('fp-td', 'TargetDown', '03:30');
    const { book } = replay([crash, resolved(crash, '03:20'), td, { ...crash, at: t('03:31') }]);
    expect(book.incidents.map((i) => [i.id, i.status, i.follows])).toEqual([
      ['inc-1', 'closed', undefined],
      ['inc-2', 'open', 'inc-1'],
    ]);
    const again = replay([crash, resolved(crash, '03:20'), { ...crash, at: t('03:25') }]).book;
    expect(again.incidents.at(-1)?.follows).toBe('inc-1');
    const staging = replay([
      crash,
      resolved(crash, '03:20'),
      alert('fp-s', 'KubePodCrashLooping', '03:25', { env: 'staging' }),
    ]).book;
    expect(staging.incidents.at(-1)?.follows).toBeUndefined();
  });

  it('says why a signal was ignored', () => {
    const book = createIncidentBook();
    expect(applySignal(book, alert('w', 'Watchdog', '03:00', { severity: 'none' })).reason).toBe(
      'alert `Watchdog` is a heartbeat/inhibitor, not a symptom',
    );
    expect(
      applySignal(book, alert('x', 'CPUThrottlingHigh', '03:00', { severity: 'info' })).reason,
    ).toBe('severity `info` does not page');
  });

  it('never changes the book it was given', () => {
    const before = replay([crash]).book;
    const copy = structuredClone(before);
    applySignal(before, oom);
    applySignal(before, resolved(crash, '03:20'));
    expect(before).toEqual(copy);
  });
});

describe('domain/triage/incident-book: deploys', () => {
  it.each<[string, Signal[], string[], string[]]>([
    [
      'a deploy before the first signal is attached when the incident opens',
      [deployed('03:10'), crash],
      ['ignored', 'opened inc-1'],
      ['checkout/prod@1.4.2@2026-11-22T03:10:00.000Z'],
    ],
    [
      'a deploy during an open incident is attached to it',
      [crash, deployed('03:16')],
      ['opened inc-1', 'updated inc-1'],
      ['checkout/prod@1.4.2@2026-11-22T03:16:00.000Z'],
    ],
    [
      'a deploy to another environment is not',
      [deployed('03:10', { env: 'staging', id: 'stg' }), crash],
      ['ignored', 'opened inc-1'],
      [],
    ],
    [
      'a deploy older than the lookback (120 min) is not',
      [deployed('01:00'), crash],
      ['ignored', 'opened inc-1'],
      [],
    ],
    [
      'a deploy recorded twice is attached once',
      [deployed('03:10'), deployed('03:10'), crash],
      ['ignored', 'ignored', 'opened inc-1'],
      ['checkout/prod@1.4.2@2026-11-22T03:10:00.000Z'],
    ],
  ])('%s', (_, signals, changes, deploys) => {
    const result = replay(signals);
    expect(result.changes).toEqual(changes);
    expect(result.book.incidents[0]?.deploys.map((d) => d.id)).toEqual(deploys);
  });

  it('deploys never keep an incident open', () => {
    const { book } = replay([deployed('03:10'), crash, resolved(crash, '03:20')]);
    expect(book.incidents[0]?.status).toBe('closed');
  });

  it('forgets closed incidents after the retention', () => {
    const { book } = replay(
      [
        crash,
        resolved(crash, '03:20'),
        alert('fp-x', 'KubePodCrashLooping', '05:00', { service: 'gateway' }),
      ],
      {
        retentionMinutes: 60,
      },
    );
    expect(incidents(book)).toEqual(['inc-2 gateway/prod open: fp-x']);
  });

  it('reports the change kinds it promises', () => {
    const kinds: IncidentChange[] = ['opened', 'updated', 'resolved', 'closed', 'ignored'];
    const { changes } = replay([
      crash,
      oom,
      resolved(oom, '03:20'),
      resolved(crash, '03:21'),
      { ...crash },
    ]);
    expect(changes.map((c) => c.split(' ')[0])).toEqual(kinds);
  });
});
