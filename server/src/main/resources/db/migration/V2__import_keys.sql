-- Bulk import (facesearch import) records each enrolled entry here in the same transaction as its session,
-- so that a rerun skips exactly what was enrolled, even after a crash.
CREATE TABLE import_keys (
  application_id  TEXT NOT NULL REFERENCES applications(id),
  import_key      TEXT NOT NULL,   -- the entry's path (folder import) or CSV path column
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (application_id, import_key)
);
