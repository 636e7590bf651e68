-- Daily Merkle roots over the ledger (src/evidence/ledger/daily-root.ts): one per UTC day,
-- each signed as an evidence record, never changed.

CREATE TABLE ledger_roots (
  day date PRIMARY KEY,
  -- RFC 6962 tree hash over the day's entry hashes in seq order, hex.
  root text NOT NULL CHECK (root ~ '^[0-9a-f]{64}$'),
  entry_count integer NOT NULL CHECK (entry_count >= 0),
  first_seq bigint,
  last_seq bigint,
  evidence_id text NOT NULL UNIQUE REFERENCES evidence (id),
  computed_at timestamptz NOT NULL
);

CREATE TRIGGER ledger_roots_append_only
  BEFORE UPDATE OR DELETE ON ledger_roots
  FOR EACH ROW EXECUTE FUNCTION mc_append_only();
