import os from 'node:os';

/** A target of the performance issue: at most or at least a value. */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

/** `label: figure unit (target <= x unit: met|missed)`, one line of the bench's summary. */
export function verdict(label: string, figure: number, unit: string, target: Target): string {
  const met = target.op === '<=' ? figure <= target.value : figure >= target.value;
  const shown = figure >= 100 ? figure.toFixed(0) : figure.toFixed(2);
  return `${label}: ${shown} ${unit} (target ${target.op} ${target.value} ${unit}: ${met ? 'met' : 'MISSED'})`;
}

/** The machine and its load when the figures were taken: absolute timings depend on both. */
export function machineLine(): string {
  const [one, five] = os.loadavg();
  return `machine: ${os.cpus().length} CPUs, load ${one?.toFixed(1)} / ${five?.toFixed(1)} (1 / 5 min), node ${process.version}`;
}
