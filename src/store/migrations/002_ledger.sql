-- Append-only, hash-chained ledger (src/evidence/ledger/).
-- hash = sha256 of the RFC 8785 JSON of {actor, at, data, kind, prevHash, seq, subject}:
-- `at` as ISO-8601 UTC with milliseconds, `seq` as a JSON number, `data` as stored here
-- (already canonical JSON text). Verification recomputes every hash and link; the trigger
-- below only stops honest mistakes: an owner or superuser can disable it, so auditors
-- run `mc ledger verify` rather than trust the database.

CREATE TABLE ledger_entries (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  subject text NOT NULL,
  -- RFC 8785 canonical JSON text, the exact bytes hashed; query it as data::jsonb.
  data text NOT NULL,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX ledger_entries_at_idx ON ledger_entries (at);
CREATE INDEX ledger_entries_kind_at_idx ON ledger_entries (kind, at);

-- The chain head: one row, locked FOR UPDATE by every append, so appends from any number
-- of connections and processes form one gapless chain.
CREATE TABLE ledger_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
VALUES (true, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION mc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER ledger_entries_append_only
  BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION mc_append_only();

CREATE TRIGGER ledger_entries_no_truncate
  BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION mc_append_only();
