import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployWorld, startDeployWorld } from '../support/deploy-e2e.ts';
import { requireBinary } from '../support/prometheus.ts';
import { ONCALL, ONCALL2 } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { visibleText } from '../support/slack.ts';

const prometheusBin = requireBinary('prometheus');

describe.skipIf(!prometheusBin)(
  'e2e: /mc status keeps its help promises (real Bolt, emulators, real Prometheus)',
  () => {
    let world: DeployWorld;
    beforeAll(async () => {
      world = await startDeployWorld();
    }, 60_000);
    afterAll(async () => {
      await world?.close();
    });

    /** The ephemeral answer to `/mc <text>`, as the requester sees it. */
    async function ask(text: string): Promise<string> {
      const sent = await world.command(text, ONCALL2);
      expect(sent.status).toBe(200);
      const [answer] = await world.until(
        `the answer to ${text}`,
        () => world.answers(sent.responseId).length > 0 && world.answers(sent.responseId),
      );
      expect(answer).toMatchObject({ response_type: 'ephemeral' });
      return visibleText(answer!);
    }

    it('plain /mc status: one line per service and environment', async () => {
      const text = await ask('status');
      for (const env of ['staging', 'prod']) {
        expect(text).toMatch(new RegExp(`\\*checkout\\* \`${env}\`: \\w`));
      }
      expect(text).toMatch(/Everything is healthy\.|\d+ of \d+ need a look\./);
    });

    it('--show pods lists each pod with readiness, restarts and age', async () => {
      const text = await ask('status checkout --env staging --show pods');
      expect(text).toContain('*checkout/staging*: 3 of 3 ready');
      const pods = text.split('\n').filter((l) => l.startsWith('`checkout-'));
      expect(pods).toHaveLength(3);
      for (const line of pods) {
        expect(line).toMatch(
          /^`checkout-[\w-]+` · :white_check_mark: ready · 0 restarts · started \d+ (s|min|h) ago$/,
        );
      }
      expect(text).not.toContain('checkout/prod');
    });

    it('--show revisions shows the revision table rollback refers to', async () => {
      const text = await ask('status checkout --env staging --show revisions');
      expect(text).toContain('Revision history of `checkout` in `staging`');
      expect(text).toContain('`/mc rollback checkout --env staging --to N`');
      expect(text).toMatch(/rev \d+ · shop\/checkout:1\.4\.2 · .*\(current\)/);
    });

    it('--show runs lists the active run and, once it ends, the change with its evidence link', async () => {
      const before = world.plans().length;
      await world.command('deploy checkout 1.4.3 --env staging', ONCALL);
      const plan = await world.until(
        'the plan',
        () => world.plans().length > before && world.plans().at(-1),
      );
      const waiting = await ask('status checkout --show runs');
      expect(waiting).toMatch(
        /`r_[a-z2-7]+` deploy `checkout\/staging` by <@U0ONCALL01> · planned · asked \d+ s ago · in <#C/,
      );
      await world.click(plan, 'run.confirm', ONCALL);
      await world.until('the run to succeed', () =>
        shown(world.current(plan)).includes('— succeeded'),
      );
      await world.bot.engine.idle();
      const done = await ask('status checkout --show runs');
      expect(done).toContain('*Active*\nnone');
      expect(done).toMatch(
        /• deploy 1\.4\.2 → 1\.4\.3 in `staging` by <@U0ONCALL01> · <!date\^\d+\^[^|]+\|[^>]+> · run `r_[a-z2-7]+` · succeeded · <https:\/\/mc\.test\/evidence\/[^|]+\|evidence>/,
      );
    }, 60_000);

    it('--show slo gives each SLO its live value against its threshold and a graph link', async () => {
      // Prometheus needs a few scrapes before rate() has a value: ask until it has one.
      let text = '';
      for (let attempt = 0; attempt < 60; attempt++) {
        text = await ask('status checkout --show slo');
        if (/`error-ratio` 0 \(must be/.test(text)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(text).toMatch(/:white_check_mark: `error-ratio` 0 \(must be &lt; 0\.01\)/);
      expect(text).toContain('*checkout*');
      expect(text).toMatch(
        /`error-ratio` 0 \(must be &lt; 0\.01\) · <http:\/\/127\.0\.0\.1:\d+\/graph\?[^|]+\|graph>/,
      );
      expect(text).toContain('`latency-p95`');
      expect(text).not.toContain('later release');
    }, 45_000);
  },
);
