-- Signed evidence records (src/evidence/record-evidence.ts). Each row is written in the same
-- transaction as the ledger entry that records it (ledger_seq), and is never changed.

CREATE TABLE evidence (
  id text PRIMARY KEY CHECK (id ~ '^ev_[a-z2-7]{16}$'),
  kind text NOT NULL,
  subject text NOT NULL,
  summary text NOT NULL,
  actor text NOT NULL,
  recorded_at timestamptz NOT NULL,
  -- RFC 8785 canonical JSON: the exact bytes whose sha256 the bundle signs.
  document text NOT NULL,
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  -- sigstore bundle v0.3 JSON (DSSE envelope over an in-toto statement).
  bundle text NOT NULL,
  ledger_seq bigint NOT NULL UNIQUE REFERENCES ledger_entries (seq)
);

CREATE INDEX evidence_subject_idx ON evidence (subject, recorded_at);
CREATE INDEX evidence_kind_idx ON evidence (kind, recorded_at);

CREATE TRIGGER evidence_append_only
  BEFORE UPDATE OR DELETE ON evidence
  FOR EACH ROW EXECUTE FUNCTION mc_append_only();

CREATE TRIGGER evidence_no_truncate
  BEFORE TRUNCATE ON evidence
  FOR EACH STATEMENT EXECUTE FUNCTION mc_append_only();
