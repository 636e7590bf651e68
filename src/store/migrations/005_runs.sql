-- Runs and their approvals (src/runs/). Every state change is a conditional UPDATE
-- (`WHERE id = $1 AND state = $2`), so a run moves to `executing` exactly once however many
-- processes share this database; the ledger entry for each change is written in the same
-- transaction.

CREATE TABLE runs (
  id text PRIMARY KEY CHECK (id ~ '^r_[a-z2-7]{12}$'),
  verb text NOT NULL,
  service text NOT NULL,
  env text NOT NULL,
  requester text NOT NULL,
  reason text,
  state text NOT NULL CHECK (state IN (
    'planned', 'awaiting_approval', 'approved', 'executing', 'succeeded', 'failed',
    'reverting', 'reverted', 'rejected', 'expired', 'cancelled', 'interrupted'
  )),
  plan_hash text NOT NULL CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  -- RunStep[] as JSON (dates as ISO strings): states, before/after, errors.
  steps jsonb NOT NULL,
  -- ActionPlan per step, as shown when the run was requested (summary, diff, warnings).
  plans jsonb NOT NULL,
  -- The policy the run was requested under (Requirements): approvals are counted against it.
  requirements jsonb NOT NULL,
  -- Revert runs only: per step, which step of revert_of it undoes and the state it restores.
  restores jsonb,
  channel text,
  message_ts text,
  owner_id text,
  owner_heartbeat_at timestamptz,
  -- `executing` or `reverting`: what an interrupted run was doing when its owner died.
  interrupted_from text,
  revert_of text REFERENCES runs (id),
  error text,
  evidence_id text REFERENCES evidence (id),
  evidence_url text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  finished_at timestamptz
);

-- At most one active run per target: the lock. Keep this list equal to ACTIVE in
-- src/domain/runs/transitions.ts (test/runs/run-lock.test.ts checks every state).
CREATE UNIQUE INDEX runs_one_active_per_target ON runs (service, env)
  WHERE state IN ('planned', 'awaiting_approval', 'approved', 'executing', 'reverting', 'interrupted');

CREATE INDEX runs_state_idx ON runs (state, updated_at);
CREATE INDEX runs_revert_of_idx ON runs (revert_of) WHERE revert_of IS NOT NULL;

-- One row per person per plan: a second click by the same approver is refused, not counted.
CREATE TABLE run_approvals (
  run_id text NOT NULL REFERENCES runs (id),
  user_id text NOT NULL,
  role text NOT NULL,
  plan_hash text NOT NULL CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  comment text,
  at timestamptz NOT NULL,
  PRIMARY KEY (run_id, user_id, plan_hash)
);
