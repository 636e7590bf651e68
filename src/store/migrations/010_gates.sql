-- Release gate evaluations (src/gates/gate-store.ts): one row per `/mc gate`, updated by each
-- Re-run, and the sign-offs given on it. A sign-off keeps the digest of the check statuses
-- its signer saw: a re-run that changes a status invalidates it (shown, never deleted).
CREATE TABLE gate_runs (
  id text PRIMARY KEY,
  set_id text NOT NULL,
  service text NOT NULL,
  env text NOT NULL,
  version text NOT NULL,
  requester text NOT NULL,
  -- GateResult[] as JSON, and resultsDigest() of it.
  results jsonb NOT NULL,
  digest text NOT NULL,
  evaluated_at timestamptz NOT NULL,
  channel text,
  ts text
);

CREATE TABLE gate_signoffs (
  gate_id text NOT NULL REFERENCES gate_runs (id),
  role text NOT NULL,
  signed_by text NOT NULL,
  signed_at timestamptz NOT NULL,
  comment text,
  digest text NOT NULL,
  -- One sign-off per role for the same results: two clicks at once cannot both count.
  UNIQUE (gate_id, role, digest)
);
