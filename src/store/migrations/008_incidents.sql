-- Triage incidents (src/triage/incident-store.ts): signals correlated per service by the
-- domain's incident book, the suggestions ranked for them, and the ONE Slack message that
-- shows them. Deliveries of one service are applied under an advisory lock on its partition,
-- so processes sharing a PostgreSQL database never interleave a load-apply-save.

CREATE SEQUENCE incident_seq;

CREATE TABLE incidents (
  -- `inc-N`, N from incident_seq.
  id text PRIMARY KEY CHECK (id ~ '^inc-[0-9]+$'),
  -- The service, or '' for signals no catalog service claims (grouped by alert group).
  partition_key text NOT NULL,
  service text,
  env text,
  -- open: a signal is active; resolved: every signal resolved (may still reopen);
  -- closed: resolved long enough ago that nothing joins it again.
  state text NOT NULL CHECK (state IN ('open', 'resolved', 'closed')),
  -- The domain Incident: signals (latest state of each), deploys, times. json, not jsonb: kept
  -- as written (a plan's params in the playbook's order), and never queried inside.
  incident json NOT NULL,
  -- { suggestions: [{ playbook, title, score, reasons, plan }], candidates, note, rankedAt }.
  triage json NOT NULL,
  pagerduty_ids text[] NOT NULL DEFAULT '{}',
  slack_channel text,
  slack_ts text,
  -- Bumped on every change; the Slack message shows published_version.
  version integer NOT NULL DEFAULT 1,
  published_version integer NOT NULL DEFAULT 0,
  triggered_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  ack_via_bot boolean,
  acknowledged_by text,
  dismissed_at timestamptz,
  dismissed_by text,
  -- Runs requested from the message: [{ id, playbook, by, at }].
  runs jsonb NOT NULL DEFAULT '[]',
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz
);

CREATE INDEX incidents_partition_live ON incidents (partition_key) WHERE state <> 'closed';
CREATE INDEX incidents_unpublished ON incidents (id) WHERE published_version < version;
CREATE INDEX incidents_pagerduty ON incidents USING gin (pagerduty_ids);

