import type { CheckStatus, Decision, GateCounts, GateStatus } from './decide-gate.ts';

// The evidence store knows release decisions by kind and subject; the manifest is the gates'.
export { GATE_DECISION_EVIDENCE, releaseSubject } from '../evidence/release-subject.ts';

/** A deploy or rollback of the service since the previous release decision (from the ledger). */
export interface ManifestChange {
  runId: string;
  verb: string;
  env: string;
  /** `1.4.1 → 1.4.2`, as the run's plan described it. */
  summary: string;
  by: string;
  at: string;
  outcome: string;
  ledgerSeq: number;
}

/**
 * The signed manifest of one GO / NO-GO: everything a release manager, an auditor or the memo
 * page needs, without reading anything else. Dates are ISO-8601 UTC strings.
 */
export interface GateManifest {
  release: {
    service: string;
    version: string;
    env: string;
    gateSet: string;
    gateSetTitle: string;
    /** The stored evaluation (`g_…`). */
    gateId: string;
  };
  decision: Decision;
  headline: string;
  counts: GateCounts;
  decidedAt: string;
  evaluatedAt: string;
  requestedBy: string;
  /** Each container image of the workload in the target environment, with its digest when pinned. */
  artifacts: Array<{ container: string; image: string; digest: string | null }>;
  gates: Array<{
    name: string;
    status: GateStatus;
    checks: Array<{
      id: string;
      title: string;
      status: CheckStatus;
      value: string | null;
      reason: string;
      link: string | null;
    }>;
  }>;
  waivers: Array<{ gate: string; by: string; reason: string; at: string; expiresAt: string }>;
  signOffs: Array<{ role: string; by: string; at: string; comment: string | null }>;
  /** Required roles nobody signed for yet (empty on GO). */
  missingRoles: string[];
  /** Deploys and rollbacks of the service since the previous decision for it. */
  changes: ManifestChange[];
  /** What undoing this release means: the revision that runs now in the target environment. */
  rollbackPlan: { revision: number | null; images: Record<string, string>; summary: string };
  /** Evidence of the drills the gate's drill checks relied on. */
  drillEvidence: string[];
}
