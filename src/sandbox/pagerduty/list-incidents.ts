import { errorReply, INVALID_INPUT, type Reply } from './http.ts';
import type { EmulatorState } from './state.ts';

const STATUSES = ['triggered', 'acknowledged', 'resolved'];
const URGENCIES = ['high', 'low'];
const DAY_MS = 86_400_000;

/**
 * `GET /incidents` as PagerDuty answers it: `statuses[]`, `service_ids[]`, `urgencies[]` and
 * `incident_key` filters, the one-month default window unless `date_range=all`, and classic
 * pagination (`limit` default 25 capped at 100, `offset`, `more`, `total` only when asked).
 */
export function listIncidents(state: EmulatorState, query: Record<string, string[]>): Reply {
  const statuses = query['statuses[]'] ?? [];
  const urgencies = query['urgencies[]'] ?? [];
  const serviceIds = query['service_ids[]'] ?? [];
  const keys = query.incident_key ?? [];
  if (statuses.some((s) => !STATUSES.includes(s))) {
    return INVALID_INPUT([`Statuses must be one of ${STATUSES.join(', ')}`]);
  }
  if (urgencies.some((u) => !URGENCIES.includes(u))) {
    return INVALID_INPUT([`Urgencies must be one of ${URGENCIES.join(', ')}`]);
  }
  const limit = intParam(query.limit?.[0], 25);
  const offset = intParam(query.offset?.[0], 0);
  if (limit === undefined || offset === undefined || limit < 1) {
    return INVALID_INPUT(['Limit and offset must be non-negative integers']);
  }
  // Without date_range=all PagerDuty searches the last month only.
  let since = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  if (query.date_range?.[0] !== 'all') {
    until = query.until?.[0] ? Date.parse(query.until[0]) : state.now().getTime();
    since = query.since?.[0] ? Date.parse(query.since[0]) : until - 30 * DAY_MS;
    if (Number.isNaN(since) || Number.isNaN(until) || since > until) {
      return errorReply(400, "Invalid time values in 'since' and/or 'until' parameters", 2004);
    }
  }
  const matching = [...state.incidents.values()]
    .filter((i) => statuses.length === 0 || statuses.includes(i.status))
    .filter((i) => urgencies.length === 0 || urgencies.includes(i.urgency))
    .filter((i) => serviceIds.length === 0 || serviceIds.includes(i.service.id))
    .filter((i) => keys.length === 0 || keys.includes(i.incident_key ?? ''))
    .filter((i) => {
      const created = Date.parse(i.created_at);
      return created >= since && created <= until;
    })
    .sort((a, b) => a.incident_number - b.incident_number);
  const pageSize = Math.min(limit, 100);
  const incidents = matching.slice(offset, offset + pageSize);
  return {
    status: 200,
    body: {
      incidents,
      limit: pageSize,
      offset,
      more: offset + incidents.length < matching.length,
      total: query.total?.[0] === 'true' ? matching.length : null,
    },
  };
}

function intParam(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined) return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}
