import { DEFAULT_BUCKETS, latencyShape } from './latency.ts';
import { checkNames, formatLabels, formatValue, type Labels, seriesKey } from './text-format.ts';

/** Requests per second by outcome: `ok` is code 200, `error` code 500, or a status code key. */
export type RequestRates = Record<string, number>;

/** The exporter's values, advanced by a clock; no I/O, so tests can drive it with a fake clock. */
export interface ExporterModel {
  /** Replaces the request rates of one service; codes left out stop growing. */
  setRate(service: string, rates: RequestRates): void;
  /** Sets the 95th-percentile latency (seconds) of one service's requests. */
  setLatency(service: string, p95Seconds: number): void;
  setGauge(name: string, labels: Labels, value: number): void;
  /** The /metrics body in the Prometheus text format 0.0.4. */
  render(): string;
}

type Kind = 'counter' | 'histogram' | 'gauge';

interface Growing {
  family: string;
  name: string;
  labels: Labels;
  total: number;
  perSecond: number;
  since: number;
}

const REQUESTS = 'http_requests_total';
const DURATION = 'http_request_duration_seconds';
const DEFAULT_P95 = 0.1;
const CODE_ALIASES: Record<string, string> = { ok: '200', error: '500' };

/** Builds the model; `now` returns milliseconds (Date.now by default). */
export function createExporterModel(
  options: { now?: () => number; buckets?: number[] } = {},
): ExporterModel {
  const now = options.now ?? Date.now;
  const buckets = [...(options.buckets ?? DEFAULT_BUCKETS), Number.POSITIVE_INFINITY];
  const services = new Map<string, { rates: Map<string, number>; p95: number }>();
  const growing = new Map<string, Growing>();
  const gauges = new Map<string, { name: string; labels: Labels; value: number }>();

  function valueAt(series: Growing, at: number): number {
    return series.total + (series.perSecond * Math.max(0, at - series.since)) / 1000;
  }

  function grow(family: string, name: string, labels: Labels, perSecond: number, at: number) {
    const key = seriesKey(name, labels);
    const series = growing.get(key);
    if (!series) {
      growing.set(key, { family, name, labels, total: 0, perSecond, since: at });
      return;
    }
    series.total = valueAt(series, at);
    series.since = at;
    series.perSecond = perSecond;
  }

  // Every series of a service is re-based at the same instant, so buckets stay cumulative.
  function update(service: string): void {
    const state = services.get(service);
    if (!state) return;
    const at = now();
    let total = 0;
    for (const [code, rate] of state.rates) {
      grow(REQUESTS, REQUESTS, { service, code }, rate, at);
      total += rate;
    }
    const latency = latencyShape(state.p95, buckets);
    buckets.forEach((le, i) => {
      const labels = { service, le: formatValue(le) };
      grow(DURATION, `${DURATION}_bucket`, labels, total * (latency.fractions[i] ?? 1), at);
    });
    grow(DURATION, `${DURATION}_sum`, { service }, total * latency.mean, at);
    grow(DURATION, `${DURATION}_count`, { service }, total, at);
  }

  function serviceState(service: string) {
    checkNames(REQUESTS, { service });
    const state = services.get(service) ?? { rates: new Map<string, number>(), p95: DEFAULT_P95 };
    services.set(service, state);
    return state;
  }

  return {
    setRate(service, rates) {
      const state = serviceState(service);
      for (const code of state.rates.keys()) state.rates.set(code, 0);
      for (const [key, rate] of Object.entries(rates)) {
        if (!(rate >= 0) || !Number.isFinite(rate)) {
          throw new Error(`rate of ${service} ${key} must be a finite number >= 0, got ${rate}`);
        }
        state.rates.set(CODE_ALIASES[key] ?? key, rate);
      }
      update(service);
    },
    setLatency(service, p95Seconds) {
      latencyShape(p95Seconds, buckets);
      serviceState(service).p95 = p95Seconds;
      update(service);
    },
    setGauge(name, labels, value) {
      checkNames(name, labels);
      if (name === REQUESTS || name.startsWith(DURATION)) {
        throw new Error(`${name} is driven by setRate/setLatency, not setGauge`);
      }
      gauges.set(seriesKey(name, labels), { name, labels: { ...labels }, value });
    },
    render() {
      const at = now();
      const families = new Map<string, { kind: Kind; lines: string[] }>();
      const add = (family: string, kind: Kind, name: string, labels: Labels, value: number) => {
        const entry = families.get(family) ?? { kind, lines: [] };
        entry.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
        families.set(family, entry);
      };
      for (const s of growing.values()) {
        add(
          s.family,
          s.family === REQUESTS ? 'counter' : 'histogram',
          s.name,
          s.labels,
          valueAt(s, at),
        );
      }
      for (const g of gauges.values()) add(g.name, 'gauge', g.name, g.labels, g.value);
      const out: string[] = [];
      for (const [family, { kind, lines }] of families) {
        out.push(`# HELP ${family} Set by the mc test exporter.`, `# TYPE ${family} ${kind}`);
        out.push(...lines);
      }
      return out.length ? `${out.join('\n')}\n` : '';
    },
  };
}
