-- The event a delivery carries, when the sender names one (PagerDuty's event.id). A signed body
-- replayed under a new X-Webhook-Id is the same event: this index makes it a duplicate.
ALTER TABLE webhook_inbox ADD COLUMN event_id text;
CREATE UNIQUE INDEX webhook_inbox_event ON webhook_inbox (source, event_id)
  WHERE event_id IS NOT NULL;
