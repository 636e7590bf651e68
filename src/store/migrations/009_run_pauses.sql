-- Verification pauses that must outlive the process (src/runs/verification-pauses.ts): a
-- paused deploy or rollback stays decidable (Continue / Roll back) after a bot restart. One
-- row per paused run; the decision is written once, before the run resumes.
CREATE TABLE run_pauses (
  run_id text PRIMARY KEY,
  decider text NOT NULL,
  reason text NOT NULL,
  -- The paused verification window (WindowState as JSON), resumed on Continue.
  window_state jsonb NOT NULL,
  paused_at timestamptz NOT NULL,
  decision text CHECK (decision IN ('continue', 'rollback')),
  decided_by text,
  decided_at timestamptz
);

-- An automatic rollback is made by `mc` on behalf of the person whose change it undoes.
ALTER TABLE deploys ADD COLUMN on_behalf_of text;
