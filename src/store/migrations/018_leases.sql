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
