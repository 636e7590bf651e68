import type { GatePlaybook } from '../domain/playbooks/gate-schema.ts';
import type { Evidence } from '../evidence/evidence-service.ts';
import type { Ledger } from '../evidence/ledger/create-ledger.ts';
import { buildManifest, type ManifestSources } from './build-manifest.ts';
import { decideGate, type GateDecision } from './decide-gate.ts';
import { GATE_DECISION_EVIDENCE, releaseSubject } from './gate-manifest.ts';
import type { GateRun, GateStore, StoredWaiver } from './gate-store.ts';
import { partitionSignOffs, type RecordedSignOff } from './sign-offs.ts';

/** An evaluation as it stands: its decision, sign-offs (valid and invalidated) and waivers. */
export interface GateState {
  decision: GateDecision;
  signOffs: { valid: RecordedSignOff[]; invalidated: RecordedSignOff[] };
  /** Every waiver, expired ones included (they stay visible). */
  waivers: StoredWaiver[];
  active: StoredWaiver[];
  /** The state a decision is recorded for: a change that alters none of it records nothing. */
  key: string;
}

/** What a change led to: the run as updated, its state, and the evidence page of a new decision. */
export interface Published {
  run: GateRun;
  set: GatePlaybook;
  state: GateState;
  decision: GateDecision;
  /** Set when this change recorded a new GO / NO-GO as a signed manifest. */
  recorded?: { url: string };
}

/** What a person asked that the service would not do, and how the edge should count it. */
export interface GateRefusal {
  refused: string;
  outcome: 'invalid' | 'denied';
}

/** A change to an evaluation, as the ledger records it. */
export interface GateEvent {
  actor: string;
  kind: string;
  data?: Record<string, unknown>;
}

/**
 * Decides a stored evaluation (checks, active waivers, valid sign-offs), writes each change to
 * the ledger, and records every new GO / NO-GO as a signed manifest (evidence `gate.decision`).
 */
export function createGatePublishing(deps: {
  store: GateStore;
  ledger: Pick<Ledger, 'append'>;
  evidence: Pick<Evidence, 'record'>;
  manifest: ManifestSources;
}) {
  const { store } = deps;
  const clock = deps.manifest.clock;

  /** The evaluation's state now: expired waivers stay listed but no longer count. */
  async function state(run: GateRun, set: GatePlaybook): Promise<GateState> {
    const now = clock();
    const signOffs = partitionSignOffs(await store.signOffs(run.id), run.digest);
    const waivers = await store.waivers(run.id);
    const active = waivers.filter((w) => w.expiresAt.getTime() > now.getTime());
    const decision = decideGate({
      results: run.results,
      waivers: active,
      signOffs: signOffs.valid,
      requiredRoles: set.signoffs.roles,
      now,
    });
    const key = [
      decision.decision,
      run.digest,
      active.map((w) => w.id).join(','),
      signOffs.valid.map((s) => `${s.role}=${s.by}`).join(','),
    ].join('|');
    return { decision, signOffs, waivers, active, key };
  }

  /** Records a GO / NO-GO not recorded yet as signed evidence; returns the run as updated. */
  async function recordDecision(
    run: GateRun,
    set: GatePlaybook,
    s: GateState,
    actor: string,
  ): Promise<{ run: GateRun; url?: string }> {
    if (s.decision.decision === 'PENDING' || s.key === run.decisionKey) return { run };
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
    return {
      run: { ...run, decisionKey: s.key, decisionEvidenceUrl: recorded.url },
      url: recorded.url,
    };
  }

  /**
   * After a change (evaluation, sign-off, waiver, expiry): the ledger entry for it, and the
   * decision's evidence when it is a new GO / NO-GO.
   */
  async function publish(run: GateRun, set: GatePlaybook, event: GateEvent): Promise<Published> {
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
    const recorded = await recordDecision(run, set, s, event.actor);
    return {
      run: recorded.run,
      set,
      state: s,
      decision: s.decision,
      ...(recorded.url ? { recorded: { url: recorded.url } } : {}),
    };
  }

  return { state, publish };
}
