-- The deploy log (src/deploys/deploy-log.ts): every change of a service's running image made
-- through mc, so triage can say "errors began 4 minutes after deploy 1.4.2 by @alice" and
-- `/mc status` and `/mc rollback` can say who deployed what. Each insert and outcome change
-- is also a ledger entry, written in the same transaction.

CREATE TABLE deploys (
  id text PRIMARY KEY CHECK (id ~ '^d_[a-z2-7]{12}$'),
  service text NOT NULL,
  env text NOT NULL,
  from_image text,
  to_image text NOT NULL,
  from_revision integer CHECK (from_revision > 0),
  to_revision integer CHECK (to_revision > 0),
  kind text NOT NULL CHECK (kind IN ('deploy', 'rollback', 'auto-rollback')),
  by_user text NOT NULL,
  -- The run that made the change; no foreign key, so records survive run retention.
  run_id text,
  evidence_url text,
  outcome text NOT NULL CHECK (outcome IN (
    'verifying', 'succeeded', 'failed', 'rolled-back', 'inconclusive', 'aborted'
  )),
  at timestamptz NOT NULL
);

CREATE INDEX deploys_target_at_idx ON deploys (service, env, at DESC);
CREATE INDEX deploys_at_idx ON deploys (at DESC);
