-- Webhook deliveries, stored before the sender gets its 2xx and processed afterwards by a
-- worker (src/http/webhooks/inbox-worker.ts). One row per (source, delivery_id): a redelivery
-- of the same id is a duplicate, answered 2xx and not processed again.
CREATE TABLE webhook_inbox (
  id bigserial PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('alertmanager', 'pagerduty')),
  delivery_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'done', 'failed')),
  -- Claims so far; also the fencing token of the current claim (see markDone).
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  claimed_at timestamptz,
  -- A failed attempt is retried no earlier than this.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  UNIQUE (source, delivery_id)
);

CREATE INDEX webhook_inbox_pending ON webhook_inbox (id) WHERE status = 'pending';
CREATE INDEX webhook_inbox_processing ON webhook_inbox (claimed_at) WHERE status = 'processing';
CREATE INDEX webhook_inbox_finished ON webhook_inbox (processed_at)
  WHERE status IN ('done', 'failed');
