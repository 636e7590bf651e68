import { createHash } from 'node:crypto';
import { noiseReason } from './noise.ts';
import type { Incident, IncidentChange, Signal } from './schema.ts';

/** Pure state: open and recently closed incidents, and recent deploys. Never mutated. */
export interface IncidentBook {
  incidents: Incident[];
  deploys: Signal[];
  /** Incidents opened so far: the next id's number. */
  seq: number;
  /** Latest signal time seen: the book's own clock for pruning, so replays are deterministic. */
  clock: string;
}

export interface BookOptions {
  /** Deploys this long before an incident's first signal join it (default 120). */
  deployLookbackMinutes?: number;
  /** Closed incidents are forgotten this long after closing (default 1440). */
  retentionMinutes?: number;
}

export interface Applied {
  book: IncidentBook;
  change: IncidentChange;
  /** The incident the signal joined, opened, resolved or closed. */
  incident?: Incident;
  /** Why a signal was ignored. */
  reason?: string;
}

const MINUTE = 60_000;

/** An empty book. */
export function createIncidentBook(): IncidentBook {
  return { incidents: [], deploys: [], seq: 0, clock: new Date(0).toISOString() };
}

const ms = (iso: string) => Date.parse(iso);
const isActive = (s: Signal) => s.status === 'firing' || s.status === 'acknowledged';
const sameTarget = (i: Incident, s: Signal) => i.service === s.service && i.env === s.env;

const keyCache = new WeakMap<Signal, string[]>();

/** Alertmanager's PagerDuty integration sends sha256(groupKey) as the incident key. */
function groupKeys(signal: Signal): string[] {
  const cached = keyCache.get(signal);
  if (cached) return cached;
  const keys = !signal.groupKey
    ? []
    : signal.source === 'alertmanager'
      ? [signal.groupKey, createHash('sha256').update(signal.groupKey).digest('hex')]
      : [signal.groupKey];
  keyCache.set(signal, keys);
  return keys;
}

/**
 * Adds one signal to the book and says what happened to which incident. Signals join an OPEN
 * incident by identity (fingerprint, PagerDuty id), then by service and environment, then,
 * when one side names no service, by Alertmanager group key (PagerDuty incident keys
 * included); else they open one. An incident whose signals all resolved is closed for good:
 * a signal firing after that (even the same alert again) opens a new incident that `follows`
 * the closed one, so people are told anew. Noise,
 * repeats, stale updates and resolutions of unknown signals are `ignored`. Deploys are kept
 * and attached to incidents of their service, never opening one.
 */
export function applySignal(
  book: IncidentBook,
  signal: Signal,
  options: BookOptions = {},
): Applied {
  const clock = ms(signal.at) > ms(book.clock) ? signal.at : book.clock;
  const ticked = prune({ ...book, clock }, options);
  if (signal.source === 'deploy') return applyDeploy(ticked, signal, options);
  const noise = noiseReason(signal);
  if (noise) return { book: ticked, change: 'ignored', reason: noise };
  const known = [...ticked.incidents]
    .reverse()
    .find((i) => i.signals.some((s) => s.source === signal.source && s.id === signal.id));
  const previous = known?.signals.find((s) => s.source === signal.source && s.id === signal.id);
  if (previous && ms(signal.at) < ms(previous.at)) {
    return { book: ticked, change: 'ignored', reason: 'older than the state already known' };
  }
  // A closed incident stays closed: a signal firing after it opens a new one (below).
  if (known && (known.status === 'open' || !isActive(signal))) {
    if (
      previous &&
      previous.status === signal.status &&
      previous.resolvedAt === signal.resolvedAt
    ) {
      return {
        book: ticked,
        change: 'ignored',
        reason: 'repeat: nothing changed',
        incident: known,
      };
    }
    const signals = known.signals.map((s) => (s === previous ? signal : s));
    return settle(ticked, known, signals, signal, options);
  }
  if (!isActive(signal)) {
    return {
      book: ticked,
      change: 'ignored',
      reason: 'resolved before any firing signal was seen',
    };
  }
  const keys = new Set(groupKeys(signal));
  const open = ticked.incidents.filter((i) => i.status === 'open');
  const target =
    (signal.service ? open.find((i) => sameTarget(i, signal)) : undefined) ??
    open.find(
      (i) =>
        (!i.service || !signal.service) &&
        i.signals.some((s) => groupKeys(s).some((k) => keys.has(k))),
    );
  if (target) return settle(ticked, target, [...target.signals, signal], signal, options);
  // The closed incident this one follows: where the signal was seen before, else the latest
  // of the same target (or alert group, for signals no service claims).
  const follows =
    known ??
    [...ticked.incidents]
      .reverse()
      .find((i) =>
        signal.service
          ? sameTarget(i, signal)
          : i.signals.some((s) => groupKeys(s).some((k) => keys.has(k))),
      );

  const seq = ticked.seq + 1;
  const incident: Incident = {
    id: `inc-${seq}`,
    status: 'open',
    openedAt: signal.at,
    updatedAt: signal.at,
    firstSignalAt: signal.startedAt,
    signals: [signal],
    deploys: [],
  };
  if (signal.service) incident.service = signal.service;
  if (signal.env) incident.env = signal.env;
  if (follows) incident.follows = follows.id;
  incident.deploys = deploysFor(ticked.deploys, incident, options);
  return {
    book: { ...ticked, seq, incidents: [...ticked.incidents, incident] },
    change: 'opened',
    incident,
  };
}

/** Replaces an incident's signals and works out whether it is now resolved or closed. */
function settle(
  book: IncidentBook,
  incident: Incident,
  signals: Signal[],
  signal: Signal,
  options: BookOptions,
): Applied {
  const open = signals.some(isActive);
  const first = signals.reduce(
    (min, s) => (ms(s.startedAt) < ms(min) ? s.startedAt : min),
    signals[0]?.startedAt ?? signal.startedAt,
  );
  const next: Incident = {
    ...incident,
    signals,
    firstSignalAt: first,
    updatedAt: signal.at,
    status: open ? 'open' : 'closed',
  };
  if (open) delete next.closedAt;
  else next.closedAt = signal.at;
  if (!next.service && signal.service) next.service = signal.service;
  if (!next.env && signal.env) next.env = signal.env;
  // The first signal may have moved earlier: deploys are judged against it.
  const attached = new Set(incident.deploys.map((d) => d.id));
  const pool = [...incident.deploys, ...book.deploys.filter((d) => !attached.has(d.id))];
  next.deploys = deploysFor(pool, next, options);
  const change: IncidentChange = !open ? 'closed' : isActive(signal) ? 'updated' : 'resolved';
  const incidents = book.incidents.map((i) => (i === incident ? next : i));
  return { book: { ...book, incidents }, change, incident: next };
}

function deploysFor(deploys: Signal[], incident: Incident, options: BookOptions): Signal[] {
  const lookback = (options.deployLookbackMinutes ?? 120) * MINUTE;
  return deploys.filter(
    (d) => sameTarget(incident, d) && ms(d.at) >= ms(incident.firstSignalAt) - lookback,
  );
}

function applyDeploy(book: IncidentBook, deploy: Signal, options: BookOptions): Applied {
  if (book.deploys.some((d) => d.id === deploy.id)) {
    return { book, change: 'ignored', reason: 'deploy already recorded' };
  }
  const deploys = [...book.deploys, deploy];
  const target = book.incidents.find(
    (i) => i.status === 'open' && deploysFor([deploy], i, options).length > 0,
  );
  if (!target) {
    const reason = `recorded; no open incident of ${deploy.service}/${deploy.env}`;
    return { book: { ...book, deploys }, change: 'ignored', reason };
  }
  const next: Incident = { ...target, deploys: [...target.deploys, deploy], updatedAt: deploy.at };
  const incidents = book.incidents.map((i) => (i === target ? next : i));
  return { book: { ...book, deploys, incidents }, change: 'updated', incident: next };
}

/** Forgets deploys too old to explain a new incident and incidents closed long ago. */
function prune(book: IncidentBook, options: BookOptions): IncidentBook {
  const now = ms(book.clock);
  const lookback = (options.deployLookbackMinutes ?? 120) * MINUTE;
  const retention = (options.retentionMinutes ?? 1440) * MINUTE;
  const deploys = book.deploys.filter((d) => ms(d.at) >= now - lookback - retention);
  const incidents = book.incidents.filter(
    (i) => i.status === 'open' || ms(i.closedAt ?? i.updatedAt) >= now - retention,
  );
  if (deploys.length === book.deploys.length && incidents.length === book.incidents.length)
    return book;
  return { ...book, deploys, incidents };
}
