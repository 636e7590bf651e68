-- Drills (src/drills/drill-store.ts): one row per `/mc drill`, from the request to the
-- result. The restore deadline is stored the moment the fault is in, so a process that dies
-- mid-drill leaves enough for the next one to restore it on start.
CREATE TABLE drills (
  id text PRIMARY KEY,
  scenario text NOT NULL,
  service text NOT NULL,
  env text NOT NULL,
  requester text NOT NULL,
  reason text,
  -- DrillPlan as JSON: fault steps, recovery, RTO, deadline, blast radius.
  plan jsonb NOT NULL,
  -- awaiting_run | measuring | restoring | restore_failed | finished | cancelled
  state text NOT NULL,
  outcome text,
  fault_run text NOT NULL,
  restore_run text,
  incident text,
  channel text,
  message_ts text,
  created_at timestamptz NOT NULL,
  injected_at timestamptz,
  restore_deadline timestamptz,
  restore_started_at timestamptz,
  finished_at timestamptz,
  abort_requested_by text,
  -- Measurements so far (timeline, legs, SLO impact, recovery), and the final DrillResult.
  progress jsonb NOT NULL DEFAULT '{}'::jsonb,
  result jsonb
);

-- At most one drill in flight per service and environment.
CREATE UNIQUE INDEX drills_one_active ON drills (service, env)
  WHERE state IN ('awaiting_run', 'measuring', 'restoring');
CREATE INDEX drills_state ON drills (state);
