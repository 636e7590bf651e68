import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { requireBinary } from '../support/prometheus.ts';
import { ONCALL } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';

const prometheusBin = requireBinary('prometheus');

describe.skipIf(!prometheusBin)(
  'e2e: a deploy with PROMETHEUS_URL unset says what was verified',
  () => {
    let world: DeployWorld;
    beforeAll(async () => {
      world = await startDeployWorld({ noPrometheusUrl: true });
    }, 60_000);
    afterAll(async () => {
      await world?.close();
    });

    it('succeeds and says plainly that no SLO window ran, on the card, the reply and the evidence', async () => {
      const sent = await world.command('deploy checkout 1.4.3 --env staging', ONCALL);
      expect(sent.status).toBe(200);
      const message = await world.until('a plan message', () => world.plans().at(-1));
      await world.click(message, 'run.confirm', ONCALL);
      const done = await world.until('the run to succeed', () => {
        const m: EmulatedMessage = world.current(message);
        return shown(m).includes('— succeeded') && m;
      });
      expect(shown(done)).toContain('Verification: No SLO window ran: PROMETHEUS_URL is not set.');
      const reply = await world.until('the outcome reply', () =>
        world.thread(message).find((m) => /Run r_\w+ .* succeeded/.test(shown(m))),
      );
      expect(shown(reply)).toContain(
        'done; the cluster shows every step applied. No SLO window ran: PROMETHEUS_URL is not set.',
      );
      const link = /<(https:\/\/mc\.test\/evidence\/[^|>]+)\|Evidence>/.exec(shown(reply))?.[1];
      const evidence = await fetch(`${world.baseUrl}${new URL(link ?? '').pathname}`, {
        headers: { accept: 'application/json' },
      });
      const record = (await evidence.json()) as { body: { verification: unknown } };
      expect(record.body.verification).toEqual({
        kind: 'none',
        status: 'skipped',
        intervals: 0,
        checks: [],
        text: 'No SLO window ran: PROMETHEUS_URL is not set.',
      });
    }, 60_000);
  },
);
