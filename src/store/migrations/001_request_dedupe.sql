-- Deliveries already handled (src/store/request-dedupe.ts): Slack retries, webhook redeliveries.
-- A key is claimed by whoever inserts it, or takes over a row whose expires_at has passed.

CREATE TABLE request_dedupe (
  key text PRIMARY KEY,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Pruning deletes by expiry.
CREATE INDEX request_dedupe_expires_at_idx ON request_dedupe (expires_at);
