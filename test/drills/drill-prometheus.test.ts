import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestExporter, type TestExporter } from '../../src/sandbox/exporter/test-exporter.ts';
import { HEALTHY } from '../support/deploy-e2e.ts';
import { requireBinary, startPrometheus, type TestPrometheus } from '../support/prometheus.ts';
import { ONCALL, type RollbackWorld, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import {
  drillMessage,
  drillWhen,
  finishedDrills,
  PAYMENTS,
  readyReplicas,
  runCard,
  seedDrillCluster,
  startRollbackWorld,
} from './drill-world.ts';

const PROMETHEUS = requireBinary('prometheus');
const FEATURE = { service: 'checkout', env: 'staging', feature: 'recommendations' };

/**
 * A stand-in for checkout itself, as Prometheus sees it: it re-reads its kill switch from the
 * ConfigMap and exports whether the feature is served, and its requests fail while payments
 * (its dependency) has no ready pod. It follows the emulator's state, every 100 ms.
 */
function followCluster(world: RollbackWorld, exporter: TestExporter): () => void {
  const timer = setInterval(() => {
    const flags = world.kube.get('ConfigMap', 'checkout', 'checkout-flags', STAGING);
    const on =
      (flags?.data as Record<string, string> | undefined)?.['recommendations-enabled'] === 'true';
    exporter.setGauge('app_feature_enabled', FEATURE, on ? 1 : 0);
    const payments = readyReplicas(world, STAGING, PAYMENTS.name, PAYMENTS.namespace);
    exporter.setRate('checkout', payments > 0 ? HEALTHY : { ok: 20, error: 30 });
  }, 100);
  return () => clearInterval(timer);
}

describe.skipIf(!PROMETHEUS)('e2e: drills measured with a real Prometheus', () => {
  let world: RollbackWorld;
  let exporter: TestExporter;
  let prometheus: TestPrometheus;
  let stop: () => void;
  beforeAll(async () => {
    exporter = await startTestExporter();
    exporter.setRate('checkout', HEALTHY);
    exporter.setGauge('app_feature_enabled', FEATURE, 1);
    prometheus = await startPrometheus({ scrapeTargets: [exporter.target] });
    world = await startRollbackWorld({
      seed: seedDrillCluster,
      tickMs: 50,
      env: { PROMETHEUS_URL: prometheus.url },
    });
    stop = followCluster(world, exporter);
  }, 60_000);
  afterAll(async () => {
    stop?.();
    await world?.close();
    await prometheus?.close();
    await exporter?.close();
  });

  async function confirmNewDrill(text: string) {
    const before = world.plans().length;
    await world.command(text, ONCALL);
    const planned = await world.until('the drill plan', () => {
      const m = drillMessage(world);
      return m && world.plans().length > before && shown(m).includes('waiting for the fault run')
        ? m
        : undefined;
    });
    const runId = /run `(r_[a-z2-7]+)`/.exec(shown(planned))?.[1] ?? '';
    await world.click(
      await world.until('the card', () => runCard(world, runId)),
      'run.confirm',
      ONCALL,
    );
  }

  it('kill-switch: times the switch off and back on from a PromQL query', async () => {
    await confirmNewDrill('drill kill-switch checkout --env staging --duration 2m');
    const done = await drillWhen(world, 'the result', (t) => t.includes('*Result*'), 60_000);
    expect(shown(done)).toContain('PASSED');
    const result = (await finishedDrills(world)).at(-1);
    expect(result).toMatchObject({ scenario: 'kill-switch', outcome: 'passed' });
    const [off, on] = result?.legs ?? [];
    expect(off?.name).toBe('switch off → effect');
    expect(on?.name).toBe('switch on → effect');
    // A scrape every second: the effect shows after the app reacts and Prometheus scrapes.
    expect(off?.seconds).toBeGreaterThan(0.1);
    expect(on?.seconds).toBeGreaterThan(0.1);
    expect(result?.recoverySeconds).toBe(off?.seconds);
    const flags = world.kube.get('ConfigMap', 'checkout', 'checkout-flags', STAGING);
    expect(flags?.data).toMatchObject({ 'recommendations-enabled': 'true' });
    console.log(`[measured] kill-switch off→effect ${off?.seconds}s, on→effect ${on?.seconds}s`);
  }, 90_000);

  it('dependency-outage: holds payments at zero, reports checkout SLO impact and the recovery time', async () => {
    await confirmNewDrill(
      'drill dependency-outage checkout --env staging --dependency payments --duration 5s',
    );
    const done = await drillWhen(world, 'the result', (t) => t.includes('*Result*'), 60_000);
    expect(readyReplicas(world, STAGING, PAYMENTS.name, PAYMENTS.namespace)).toBe(3);
    const result = (await finishedDrills(world)).at(-1);
    expect(result).toMatchObject({
      scenario: 'dependency-outage',
      dependency: 'payments',
      outcome: 'passed',
    });
    expect(result?.recoverySeconds).toBeGreaterThan(0);
    const errors = result?.sloImpact?.find((s) => s.name === 'error-ratio');
    expect(errors?.breached).toBe(true);
    expect(errors?.worst).toBeGreaterThan(0.01);
    expect(errors?.samples).toBeGreaterThan(2);
    expect(shown(done)).toMatch(/SLO `error-ratio` \(< 0\.01\): worst [\d.]+, breached for/);
    console.log(
      `[measured] dependency-outage payments back in ${result?.recoverySeconds}s; checkout error-ratio worst ${errors?.worst}, breached ~${errors?.breachSeconds}s`,
    );
  }, 90_000);
});
