import type { GatePlaybook } from '../../domain/playbooks/gate-schema.ts';
import type { Ledger } from '../../evidence/ledger/create-ledger.ts';
import type { Evidence } from '../../evidence/record-evidence.ts';
import { buildManifest, type ManifestSources } from '../../gates/build-manifest.ts';
import { type Decision, decideGate } from '../../gates/decide-gate.ts';
import { GATE_DECISION_EVIDENCE, releaseSubject } from '../../gates/gate-manifest.ts';
import type { GateRun, GateStore, StoredWaiver } from '../../gates/gate-store.ts';
import { partitionSignOffs } from '../../gates/sign-offs.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { renderGateMessage } from '../render/gate-message.ts';
import type { SlackWebClient } from '../web-client.ts';

export interface GatePublisherDeps {
  store: GateStore;
  ledger: Pick<Ledger, 'append'>;
  evidence: Pick<Evidence, 'record'>;
  client: SlackWebClient;
  manifest: ManifestSources;
  log: Logger;
}

/** A waiver as the message and the decision see it: expired ones stay visible. */
const isActive = (w: StoredWaiver, now: Date) => w.expiresAt.getTime() > now.getTime();

/**
 * Renders a stored evaluation (checks, waivers, sign-offs → decision), records each event in the
 * ledger, records every new GO / NO-GO as a signed manifest (evidence `gate.decision`, linked in
 * the thread), and keeps the ONE gate message in step.
 */
export function createGatePublisher(deps: GatePublisherDeps) {
  const { store, client } = deps;
  const clock = deps.manifest.clock;

  async function state(run: GateRun, set: GatePlaybook) {
    const now = clock();
    const signOffs = partitionSignOffs(await store.signOffs(run.id), run.digest);
    const waivers = await store.waivers(run.id);
    const active = waivers.filter((w) => isActive(w, now));
    const decision = decideGate({
      results: run.results,
      waivers: active,
      signOffs: signOffs.valid,
      requiredRoles: set.signoffs.roles,
      now,
    });
    // The state a decision is recorded for: a click that changes none of it records nothing new.
    const key = [
      decision.decision,
      run.digest,
      active.map((w) => w.id).join(','),
      signOffs.valid.map((s) => `${s.role}=${s.by}`).join(','),
    ].join('|');
    return { decision, signOffs, waivers, active, key };
  }

  function message(run: GateRun, set: GatePlaybook, s: Awaited<ReturnType<typeof state>>) {
    return renderGateMessage({
      title: set.title,
      setId: set.id,
      gateId: run.id,
      service: run.service,
      env: run.env,
      version: run.version,
      requester: run.requester,
      decision: s.decision,
      ranAt: run.evaluatedAt,
      signOffs: s.signOffs,
      waivers: s.waivers,
      now: clock(),
      waiverRoles: set.waivers?.roles ?? [],
      ...(run.decisionEvidenceUrl
        ? {
            evidence: {
              url: run.decisionEvidenceUrl,
              decision: (run.decisionKey?.split('|')[0] ?? 'NO-GO') as Decision,
            },
          }
        : {}),
    });
  }

  /** Posts a line in the gate message's thread; a failure is logged, never thrown. */
  async function threadNote(run: GateRun, text: string): Promise<void> {
    if (!run.message) return;
    try {
      await client.chat.postMessage({
        channel: run.message.channel,
        thread_ts: run.message.ts,
        text,
        unfurl_links: false,
      });
    } catch (error) {
      deps.log.warn({ err: error, gate: run.id }, 'gate thread note not posted');
    }
  }

  /** Records a GO / NO-GO not recorded yet as signed evidence; returns the run as updated. */
  async function recordDecision(
    run: GateRun,
    set: GatePlaybook,
    s: Awaited<ReturnType<typeof state>>,
    actor: string,
  ): Promise<GateRun> {
    if (s.decision.decision === 'PENDING' || s.key === run.decisionKey) return run;
    const manifest = await buildManifest({
      run,
      set,
      decision: s.decision,
      signOffs: s.signOffs.valid,
      waivers: s.active,
      sources: deps.manifest,
    });
    const recorded = await deps.evidence.record({
      kind: GATE_DECISION_EVIDENCE,
      subject: releaseSubject(run.service, run.version),
      summary: `${s.decision.decision} for ${run.service} ${run.version} → ${run.env}: ${s.decision.headline}`,
      actor,
      body: manifest,
    });
    await store.decided(run.id, s.key, recorded.url);
    await threadNote(
      run,
      `:page_facing_up: *${s.decision.decision}* recorded as a signed manifest (${s.decision.headline}): ${recorded.url}`,
    );
    return { ...run, decisionKey: s.key, decisionEvidenceUrl: recorded.url };
  }

  return {
    threadNote,
    /** The message for an evaluation as stored now (for the first post). */
    async render(run: GateRun, set: GatePlaybook) {
      return message(run, set, await state(run, set));
    },
    /**
     * After a change (evaluation, sign-off, waiver, expiry): the ledger entry for it, the
     * decision's evidence when it is a new GO / NO-GO, and the message edited in place.
     */
    async publish(
      run: GateRun,
      set: GatePlaybook,
      event: { actor: string; kind: string; data?: Record<string, unknown> },
    ) {
      const s = await state(run, set);
      await deps.ledger.append({
        actor: event.actor,
        kind: event.kind,
        subject: `gate:${run.id}`,
        data: {
          set: set.id,
          service: run.service,
          env: run.env,
          version: run.version,
          decision: s.decision.decision,
          headline: s.decision.headline,
          counts: { ...s.decision.counts },
          ...event.data,
        },
      });
      const updated = await recordDecision(run, set, s, event.actor);
      const rendered = message(updated, set, s);
      if (updated.message) {
        await client.chat.update({
          channel: updated.message.channel,
          ts: updated.message.ts,
          text: rendered.text,
          blocks: rendered.blocks,
        });
      }
      return { run: updated, decision: s.decision, message: rendered };
    },
  };
}
export type GatePublisher = ReturnType<typeof createGatePublisher>;
