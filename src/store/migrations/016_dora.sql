-- Delivery metrics (src/dora/). A deploy records the commit it ships and when that commit was
-- made (from `/mc deploy … --commit SHA --commit-at TIME`, or the OCI annotations
-- org.opencontainers.image.revision / .created on the workload), so lead time is measured
-- from records nobody edits afterwards.
ALTER TABLE deploys ADD COLUMN commit_sha text;
ALTER TABLE deploys ADD COLUMN commit_at timestamptz;

-- One row per scorecard period: the replica that inserts it posts the scorecard, every other
-- replica finds it taken. report holds the figures and the changes and incidents counted, for
-- the evidence page.
CREATE TABLE dora_scorecards (
  period text PRIMARY KEY,
  since timestamptz NOT NULL,
  until timestamptz NOT NULL,
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('claimed', 'posted', 'failed')),
  report json,
  slack_channel text,
  slack_file_id text,
  error text,
  finished_at timestamptz
);
