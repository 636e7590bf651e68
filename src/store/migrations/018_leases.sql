-- Leases (src/store/leases.ts): background work that must run on exactly one of the bots
-- sharing this database (expiring stale runs, the interrupted-run sweep, signing daily
-- roots...). One row per job name; time is the database's (now()), never a process clock.
-- `generation` grows at every change of holder: the fencing token a stale holder is refused by.
CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  generation bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Where a run's after-steps work (its verification window) stands, saved by the run's owner
-- at the window's start and after each interval (src/runs/run-checkpoint.ts). A bot that
-- takes the run over from a dead owner continues the window with the time it has left,
-- instead of starting it again. NULL: no window in progress. Nullable: older bots ignore it.
ALTER TABLE runs ADD COLUMN checkpoint jsonb;
