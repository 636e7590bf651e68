import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMetrics } from '../../src/telemetry/metrics.ts';
import { requireBinary } from '../support/prometheus.ts';
import { type KubeObject, only, renderOverlay } from './render-overlay.ts';

const run = promisify(execFile);
const promtool = requireBinary('promtool');

/** Runs promtool in `dir`; its exit code and output. */
async function runPromtool(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool as string, args, { cwd: dir, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** Metric names an expression reads, with a histogram's _bucket/_sum/_count suffix removed. */
function metricsRead(expr: string): string[] {
  return [...expr.matchAll(/\b(mc_[a-z_]+?)(?:_bucket|_sum|_count)?\b(?=[{[(\s]|$)/g)].map(
    (match) => match[1] as string,
  );
}

describe.skipIf(!promtool)("deploy/components/monitoring: the bot's own alerts", () => {
  let dir: string;
  let rule: KubeObject;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mc-prometheus-rule-'));
    const [single, ha] = await Promise.all([renderOverlay('single'), renderOverlay('ha')]);
    rule = only(ha, 'PrometheusRule', 'mc');
    expect(only(single, 'PrometheusRule', 'mc').spec).toEqual(rule.spec);
    await writeFile(path.join(dir, 'rules.yml'), stringify(rule.spec));
    await copyFile(
      path.join(import.meta.dirname, 'prometheus-rule-cases.yml'),
      path.join(dir, 'cases.yml'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes promtool check rules', async () => {
    const result = await runPromtool(dir, ['check', 'rules', 'rules.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('fires each alert on the series that should raise it, and none for a healthy bot (promtool test rules)', async () => {
    const result = await runPromtool(dir, ['test', 'rules', 'cases.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
    const alerts: string[] = rule.spec.groups.flatMap((g: KubeObject) =>
      g.rules.map((r: KubeObject) => r.alert),
    );
    expect(alerts.sort()).toEqual([
      'MaestroConductorDown',
      'MaestroConductorLedgerVerifyFailed',
      'MaestroConductorNotReady',
      'MaestroConductorSlackAckSlow',
      'MaestroConductorWebhookBacklog',
      'MaestroConductorWebhookDeliveriesFailed',
    ]);
  });

  it('reads only metrics the bot defines', async () => {
    const defined = new Set(
      (await createMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map(
        (m) => m.name,
      ),
    );
    const read = rule.spec.groups.flatMap((g: KubeObject) =>
      g.rules.flatMap((r: KubeObject) => metricsRead(r.expr)),
    );
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name: string) => !defined.has(name))).toEqual([]);
  });

  it('is a check that can fail: a broken expression is refused', async () => {
    const broken = structuredClone(rule.spec);
    broken.groups[0].rules[0].expr = 'rate(mc_slack_ack_seconds_bucket[5m]';
    await writeFile(path.join(dir, 'broken.yml'), stringify(broken));
    const result = await runPromtool(dir, ['check', 'rules', 'broken.yml']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/parse error|unclosed/i);
  });
});
