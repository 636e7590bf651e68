-- Waivers of release gates (src/gates/gate-store.ts): a time-boxed exception for a gate that did
-- not pass, given by a holder of one of the gate set's waiver roles with a reason. A waiver is
-- never deleted: once past expires_at it stops counting, and expiry_noted_at records when the
-- bot noticed, re-decided the gate and said so (ledger, message, thread).
CREATE TABLE gate_waivers (
  id bigserial PRIMARY KEY,
  gate_id text NOT NULL REFERENCES gate_runs (id),
  gate_name text NOT NULL,
  waived_by text NOT NULL,
  reason text NOT NULL CHECK (length(reason) > 0),
  waived_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > waived_at),
  expiry_noted_at timestamptz
);

CREATE INDEX gate_waivers_gate_idx ON gate_waivers (gate_id);
CREATE INDEX gate_waivers_pending_expiry_idx ON gate_waivers (expires_at)
  WHERE expiry_noted_at IS NULL;

-- The last decision recorded as signed evidence for an evaluation: a GO or NO-GO is recorded
-- once per distinct state (decision, check statuses, waivers, sign-offs), not on every click.
ALTER TABLE gate_runs ADD COLUMN decision_key text;
ALTER TABLE gate_runs ADD COLUMN decision_evidence_url text;
