import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.ts';
import { runLedger } from '../../src/cli/ledger.ts';
import type { EmulatedMessage } from '../../src/sandbox/slack/emulator-types.ts';
import { DRILL_TEXT } from '../drills/drill-world.ts';
import { postgresSkipReason } from '../support/postgres.ts';
import { requireBinary } from '../support/prometheus.ts';
import { type SlackThroughProxy, slackThroughProxy, until } from '../support/replica-slack.ts';
import {
  AM_TOKEN,
  PAYMENTS,
  type ReplicaWorld,
  startReplicaWorld,
} from '../support/replica-world.ts';
import { CHANNEL, IMAGES, LEAD, liveImage, ONCALL, PROD, STAGING } from '../support/runs-e2e.ts';
import { shown } from '../support/runs-slack.ts';
import { REPO_ROOT } from '../support/slack.ts';

const prometheusBin = requireBinary('prometheus');

function runIdOf(message: EmulatedMessage): string {
  const id = /run `?(r_[a-z2-7]+)`?/.exec(shown(message))?.[1];
  if (!id) throw new Error(`no run id in: ${shown(message)}`);
  return id;
}

describe.skipIf(postgresSkipReason() !== null || !prometheusBin)(
  'e2e: 3 bot processes on one PostgreSQL behind a round-robin proxy',
  () => {
    let world: ReplicaWorld;
    let slack: SlackThroughProxy;
    beforeAll(async () => {
      world = await startReplicaWorld({
        timings: {
          runs: {
            heartbeatMs: 300,
            staleAfterMs: 1_500,
            verifyTimeoutMs: 20_000,
            progressIntervalMs: 100,
          },
          verification: { intervalMs: 1_000, required: 4, canaryPollMs: 50 },
          recoverEveryMs: 300,
          expireEveryMs: 1_000,
          triage: { inboxPollMs: 100, minPostIntervalMs: 100 },
          stopGraceMs: 2_000,
          leases: { ttlMs: 1_500, renewEveryMs: 300 },
        },
      });
      slack = slackThroughProxy(world);
    }, 120_000);
    afterAll(async () => {
      await world?.close();
    });

    /** Ledger entries about one subject, oldest first. */
    const ledgerOf = (subject: string) =>
      world.query<{ kind: string; actor: string }>(
        'SELECT kind, actor FROM ledger_entries WHERE subject = $1 ORDER BY seq',
        [subject],
      );
    /** Top-level chat.postMessage calls in a channel whose text names `needle`. */
    const postsNaming = (needle: string, channel = CHANNEL) =>
      world.slack
        .calls('chat.postMessage')
        .filter(
          (c) =>
            c.status === 200 &&
            c.args.channel === channel &&
            !c.args.thread_ts &&
            JSON.stringify(c.args).includes(needle),
        );
    const newPlan = (before: number, what: string) =>
      until(what, () => slack.plans().length > before && slack.plans().at(-1));
    const settledAs = (message: EmulatedMessage, state: string, timeoutMs = 60_000) =>
      until(
        `the run to end ${state}`,
        () => shown(slack.current(message)).includes(`— ${state}`) && slack.current(message),
        timeoutMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the card says:\n${shown(slack.current(message))}`);
      });

    it('a deploy whose verification window owner is SIGKILLed mid-window finishes once on another replica', async () => {
      const deployPatches = () =>
        world.kube.requests.filter(
          (r) =>
            r.cluster === STAGING &&
            r.method === 'PATCH' &&
            r.path.endsWith('/deployments/checkout'),
        ).length;
      // Seeding the release history patched it too: count from here.
      const patchesBefore = deployPatches();
      const before = slack.plans().length;
      const sent = await slack.command('deploy checkout 1.4.3 --env staging', ONCALL);
      expect(sent.status).toBe(200);
      const plan = await newPlan(before, 'the deploy plan');
      const runId = runIdOf(plan);
      await slack.click(plan, 'run.confirm', ONCALL);
      await until('the window to be under way', () =>
        /Verification interval [1-3]/.test(shown(slack.current(plan))),
      );
      const [row] = await world.query<{ owner_id: string; state: string }>(
        'SELECT owner_id, state FROM runs WHERE id = $1',
        [runId],
      );
      expect(row?.state).toBe('executing');
      const owner = world.set.byOwner(row?.owner_id ?? '');
      const held = await world.query<{ name: string }>(
        'SELECT name FROM leases WHERE holder = $1 AND expires_at > now()',
        [owner.ownerId],
      );
      await world.set.kill(owner);
      // Whatever background work the dead replica held, a live one holds within seconds.
      await until(
        "the dead replica's leases held by live replicas",
        async () => {
          const live = await world.query<{ name: string; holder: string }>(
            'SELECT name, holder FROM leases WHERE expires_at > now()',
          );
          return (
            live.every((l) => l.holder !== owner.ownerId) &&
            held.every((h) => live.some((l) => l.name === h.name))
          );
        },
        15_000,
      );

      const done = await settledAs(plan, 'succeeded', 30_000);
      expect(shown(done)).toMatch(/Verification: 4 SLO intervals, healthy/);
      const [after] = await world.query<{ state: string; owner_id: string }>(
        'SELECT state, owner_id FROM runs WHERE id = $1',
        [runId],
      );
      expect(after?.state).toBe('succeeded');
      expect(after?.owner_id).not.toBe(owner.ownerId);
      // Exactly one change reached the cluster: one PATCH, one new revision.
      expect(liveImage(world.kube, STAGING)).toBe('shop/checkout:1.4.3');
      expect(deployPatches() - patchesBefore).toBe(1);
      expect(world.kube.list('ReplicaSet', 'checkout', STAGING)).toHaveLength(IMAGES.length + 1);
      // One verdict and one ending in the ledger; one card and one outcome reply in Slack.
      const kinds = (await ledgerOf(`run:${runId}`)).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'run.verification')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'run.succeeded')).toHaveLength(1);
      // One replica took the window over; nothing failed and nothing was reverted.
      expect(kinds.filter((k) => k === 'run.taken-over')).toHaveLength(1);
      expect(kinds.filter((k) => /^run\.(failed|reverting|reverted)$/.test(k))).toEqual([]);
      expect(postsNaming(runId)).toHaveLength(1);
      await until('the outcome reply', () =>
        slack.thread(plan).some((m) => /Run r_\w+ .*succeeded/.test(shown(m))),
      );
      expect(slack.thread(plan).filter((m) => /Run r_\w+ .*succeeded/.test(shown(m)))).toHaveLength(
        1,
      );
    }, 120_000);

    it('a prod rollback: requested on one replica, approved on another, its redelivered click dropped', async () => {
      const undoPatches = () =>
        world.kube.requests.filter(
          (r) =>
            r.cluster === PROD && r.method === 'PATCH' && r.path.endsWith('/deployments/checkout'),
        ).length;
      const patchesBefore = undoPatches();
      const before = slack.plans().length;
      await slack.command(
        'rollback checkout --env prod --reason p99 latency doubled after 1.4.2',
        ONCALL,
      );
      const postedBy = slack.lastUpstream();
      const plan = await newPlan(before, 'the rollback plan');
      const runId = runIdOf(plan);
      expect(shown(plan)).toContain('0 of 1 (sre-lead, release-manager)');
      const approval = await slack.click(plan, 'run.approve', LEAD);
      const approvedBy = slack.lastUpstream();
      expect(approvedBy).not.toBe(postedBy);
      // Slack redelivers the same click (same action_ts): another replica takes it, and drops it.
      await slack.click(plan, 'run.approve', LEAD, { actionTs: approval.actionTs, retryNum: 1 });
      expect(slack.lastUpstream()).not.toBe(approvedBy);
      await settledAs(plan, 'succeeded');
      expect(liveImage(world.kube, PROD)).toBe(IMAGES.at(-2));
      expect(undoPatches() - patchesBefore).toBe(1);
      const entries = await ledgerOf(`run:${runId}`);
      const kinds = entries.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'run.approval')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'run.executing')).toHaveLength(1);
      expect(kinds.filter((k) => k === 'run.succeeded')).toHaveLength(1);
      expect(kinds).not.toContain('run.refused');
      expect(entries.find((e) => e.kind === 'run.approval')?.actor).toBe(LEAD);
      expect(shown(slack.current(plan))).toContain(`approved by <@${LEAD}> (sre-lead)`);
      expect(postsNaming(runId)).toHaveLength(1);
    }, 90_000);

    it('an @mention delivered three times (retries) to three replicas is answered once', async () => {
      const ts = `${Math.floor(Date.now() / 1000)}.000100`;
      const upstreams: (number | undefined)[] = [];
      for (const retryNum of [undefined, 1, 2]) {
        const sent = await slack.mention('EvREPLICAS0001', ts, retryNum);
        expect(sent.status).toBe(200);
        upstreams.push(slack.lastUpstream());
      }
      // Whatever replicas are live, no two deliveries in a row went to the same one.
      expect(new Set(upstreams).size).toBeGreaterThan(1);
      const dropped = () =>
        world.set.replicas.flatMap((r) =>
          world.set
            .logs(r)
            .filter((l) => l.msg === 'retry dropped' && l.event_id === 'EvREPLICAS0001'),
        );
      await until('both retries dropped', () => dropped().length === 2);
      const thread = world.slack.messages(CHANNEL).filter((m) => m.threadTs === ts);
      expect(thread).toHaveLength(1);
      expect(thread[0]?.text).toContain('I work through slash commands');
    });

    it('a gate waiver expires once: one re-evaluation, one note, one ledger entry', async () => {
      const before = slack.plans().length;
      await slack.command('gate checkout 1.4.2 --env staging', LEAD);
      const gate = await newPlan(before, 'the gate message');
      const gateId = /`(g_[0-9a-f]{12})`/.exec(JSON.stringify(gate.blocks))?.[1];
      expect(gateId).toBeDefined();
      const waive = await slack.command(
        `gate waive ${gateId} "Disaster recovery" --for 3s --reason rehearsal booked for Monday`,
        LEAD,
      );
      expect(waive.status).toBe(200);
      await until('the waiver note', () =>
        slack.thread(gate).find((m) => /waived \*Disaster recovery\*/.test(m.text)),
      );
      const expiryNotes = () =>
        slack
          .thread(gate)
          .filter((m) => /The waiver of \*Disaster recovery\* .* expired/.test(m.text));
      await until('the expiry note', () => expiryNotes().length > 0, 30_000);
      expect(expiryNotes()).toHaveLength(1);
      const kinds = (await ledgerOf(`gate:${gateId}`)).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'gate.waiver-expired')).toHaveLength(1);
      expect(postsNaming(gateId ?? '')).toHaveLength(1);
    }, 60_000);

    it('a drill in staging: its restore deadline is handled once', async () => {
      const scales = () =>
        world.kube.requests.filter(
          (r) =>
            r.cluster === STAGING && r.method !== 'GET' && r.path.includes('/deployments/payments'),
        );
      const sent = await slack.command(
        'drill dependency-outage checkout --env staging --duration 3s',
        ONCALL,
      );
      // The drill's own message (the fault run's card, "Drill payments in staging", may be
      // posted before or after it).
      const drillMessage = () => slack.plans().findLast((m) => DRILL_TEXT.test(m.text));
      const planned = await until('the drill plan naming its fault run', () => {
        const m = drillMessage();
        return m && /waiting for the fault run/.test(shown(m)) && m;
      }).catch((error: Error) => {
        throw new Error(
          `${error.message}; answers: ${JSON.stringify(slack.answers(sent.responseId))}; drill message: ${shown(drillMessage() ?? { blocks: [] })}; top-level: ${slack
            .plans()
            .map((m) => m.text)
            .join(' | ')}`,
        );
      });
      const runId = runIdOf(planned);
      const card = await until('the fault run card', () =>
        slack.plans().find((m) => m.ts !== planned.ts && shown(m).includes(runId) && m),
      );
      await slack.click(card, 'run.confirm', ONCALL);
      const done = await until(
        'the drill result',
        () => shown(slack.current(planned)).includes('*Result*') && slack.current(planned),
        60_000,
      );
      expect(shown(done)).toMatch(/PASSED|FAILED/);
      const finished = await world.query<{ subject: string }>(
        `SELECT subject FROM ledger_entries WHERE kind = 'drill.finished'`,
      );
      expect(finished).toHaveLength(1);
      expect(scales()).toHaveLength(2);
      const d = world.kube.get('Deployment', PAYMENTS.namespace, PAYMENTS.name, STAGING);
      expect((d?.spec as { replicas?: number } | undefined)?.replicas).toBe(3);
    }, 90_000);

    it('an alert storm spread over the replicas gives one triage message per incident', async () => {
      const services = ['checkout', 'payments', 'gateway'];
      const bodies = Array.from({ length: 300 }, (_, n) => {
        const service = services[n % services.length] ?? '';
        const alert = {
          status: 'firing',
          labels: {
            alertname: 'HighErrorRate',
            service,
            namespace: service,
            severity: 'critical',
            pod: `${service}-${n}`,
          },
          annotations: { summary: `HighErrorRate on ${service} (alert ${n})` },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: `replicas${n.toString(16).padStart(8, '0')}`,
        };
        return JSON.stringify({
          version: '4',
          groupKey: `{}:{service="${service}"}`,
          truncatedAlerts: 0,
          status: 'firing',
          receiver: 'mc',
          groupLabels: { service },
          commonLabels: { service },
          commonAnnotations: {},
          externalURL: 'http://alertmanager:9093',
          alerts: [alert],
        });
      });
      const post = (body: string) =>
        fetch(`${world.proxy.url}/webhooks/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${AM_TOKEN}` },
          body,
        }).then((r) => r.status);
      const statuses: number[] = [];
      for (let i = 0; i < bodies.length; i += 10) {
        statuses.push(...(await Promise.all(bodies.slice(i, i + 10).map(post))));
      }
      expect(statuses.filter((s) => s >= 300)).toEqual([]);
      const served = world.proxy.served.filter((r) => r.path === '/webhooks/alertmanager');
      expect(new Set(served.map((r) => r.upstream)).size).toBeGreaterThan(1);
      const incidents = await until(
        'every incident published with all its alerts',
        async () => {
          const rows = await world.query<{
            service: string;
            slack_channel: string;
            behind: boolean;
          }>(`SELECT service, slack_channel, published_version < version AS behind FROM incidents`);
          const [inbox] = await world.query<{ left: number }>(
            `SELECT count(*)::int AS left FROM webhook_inbox WHERE status <> 'done'`,
          );
          return (
            rows.length === services.length &&
            rows.every((r) => !r.behind && r.slack_channel) &&
            inbox?.left === 0 &&
            rows
          );
        },
        90_000,
      );
      for (const incident of incidents) {
        const posts = world.slack
          .calls('chat.postMessage')
          .filter(
            (c) =>
              c.status === 200 && c.args.channel === incident.slack_channel && !c.args.thread_ts,
          );
        const seconds = world.set.replicas.flatMap((r) =>
          world.set.logs(r).filter((l) => l.msg === 'triage: a second message was posted'),
        );
        expect(posts, `${incident.service}: ${JSON.stringify(seconds)}`).toHaveLength(1);
      }
    }, 150_000);

    it('the ledger every replica wrote is gapless and verifies', async () => {
      const rows = await world.query<{ seq: string }>(
        'SELECT seq FROM ledger_entries ORDER BY seq',
      );
      expect(rows.length).toBeGreaterThan(20);
      expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
      const cli = bufferIo(REPO_ROOT, { DATABASE_URL: world.databaseUrl });
      const code = await runLedger(['verify'], cli.io);
      expect(code, cli.stderr()).toBe(0);
      expect(cli.stdout()).toContain('OK: the chain is intact.');
    });
  },
);
