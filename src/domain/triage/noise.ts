import type { Signal } from './schema.ts';

/** Alerts that exist to prove the pipeline works or to inhibit others, never to page. */
export const NOISE_ALERTS = ['Watchdog', 'InfoInhibitor', 'DeadMansSwitch'];
/** Heartbeats under other names (awesome-prometheus-alerts' `PrometheusAlertmanagerE2eDeadManSwitch`). */
const HEARTBEAT = /dead.?man'?s?.?switch|^Watchdog$/i;
/** Severities kube-prometheus-stack and common rule sets use for "not for a human now". */
export const NOISE_SEVERITIES = ['info', 'none'];

/** Why a signal is noise (``alert `Watchdog` ``, ``severity `info` ``), or undefined. */
export function noiseReason(signal: Signal): string | undefined {
  if (signal.source === 'deploy') return undefined;
  const name =
    signal.labels.alertname ?? (signal.source === 'alertmanager' ? signal.name : undefined);
  if (name && (NOISE_ALERTS.includes(name) || HEARTBEAT.test(name)))
    return `alert \`${name}\` is a heartbeat/inhibitor, not a symptom`;
  if (signal.severity && NOISE_SEVERITIES.includes(signal.severity)) {
    return `severity \`${signal.severity}\` does not page`;
  }
  return undefined;
}
