-- Issue 22: face-list entries in their own table, one owner of "truth first, then gallery", no api_requests.

-- 1. A face belongs to a session or to a face-list entry, never both (the CHECK). Until now an entry was a hidden
-- session of type 'list_entry' holding the face; the entry now holds it (faces.list_entry_id) and the hidden
-- sessions go. An entry keeps its uploaded image under image_id (<data>/images/<application>/<image_id>.jpg): for
-- the entries moved here that is the old hidden session's id, for new ones the entry's id; NULL for an entry copied
-- from a session's face (it has no image of its own). SQLite cannot change a column's constraints in place, so both
-- tables are rebuilt; renaming the old ones first keeps every foreign key pointing at the new tables.
ALTER TABLE face_list_entries RENAME TO face_list_entries_v10;
ALTER TABLE faces RENAME TO faces_v10;

CREATE TABLE face_list_entries (
  id                        TEXT PRIMARY KEY,
  list_id                   TEXT NOT NULL REFERENCES face_lists(id) ON DELETE CASCADE,
  image_id                  TEXT,
  comment                   TEXT,
  display_label             TEXT,
  reference_session_id      TEXT,     -- a plain value, not a key: an entry outlives the session it was copied from
  reference_session_number  INTEGER,
  metadata                  TEXT,
  created_at                TEXT NOT NULL
);
CREATE INDEX face_list_entries_by_list ON face_list_entries(list_id, created_at);

INSERT INTO face_list_entries (id, list_id, image_id, comment, display_label, reference_session_id,
                               reference_session_number, metadata, created_at)
SELECT e.id, e.list_id, CASE WHEN s.image_file IS NULL THEN NULL ELSE e.session_id END, e.comment, e.display_label,
       e.reference_session_id, e.reference_session_number, e.metadata, e.created_at
FROM face_list_entries_v10 e LEFT JOIN sessions s ON s.id = e.session_id;

-- Enrolled faces. embedding: 512 float32 little-endian (2048 bytes), L2-normalised, made by model_id.
CREATE TABLE faces (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  session_id      TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  list_entry_id   TEXT REFERENCES face_list_entries(id) ON DELETE CASCADE,
  source          TEXT NOT NULL,         -- 'session' | 'imported' | 'list_entry' (list_entry_id set) | 'api'
  blocklisted     INTEGER NOT NULL DEFAULT 0,
  allowlisted     INTEGER NOT NULL DEFAULT 0,
  approved        INTEGER NOT NULL DEFAULT 0,
  searchable      INTEGER NOT NULL DEFAULT 1,
  model_id        TEXT NOT NULL,
  embedding       BLOB NOT NULL,
  created_at      TEXT NOT NULL,
  CHECK ((session_id IS NULL) <> (list_entry_id IS NULL))
);

INSERT INTO faces (id, application_id, session_id, list_entry_id, source, blocklisted, allowlisted, approved,
                   searchable, model_id, embedding, created_at)
SELECT f.id, f.application_id, CASE WHEN e.id IS NULL THEN f.session_id END, e.id, f.source, f.blocklisted,
       f.allowlisted, f.approved, f.searchable, f.model_id, f.embedding, f.created_at
FROM faces_v10 f LEFT JOIN face_list_entries_v10 e ON e.session_id = f.session_id;

DROP TABLE faces_v10;
DROP TABLE face_list_entries_v10;
CREATE INDEX faces_by_session ON faces(session_id);
CREATE INDEX faces_by_list_entry ON faces(list_entry_id);
CREATE INDEX faces_by_application ON faces(application_id);

DELETE FROM sessions WHERE session_type = 'list_entry';

-- 2. The gallery outbox (io.facesearch.enrollment.Enrollments). A row names a face whose gallery entry must be
-- made to match the truth: written in the same transaction as the face's change, deleted once applied. What to do
-- is read from the truth when the row is applied (face present: add or replace it; absent: remove it), so rows may
-- be applied in any order and more than once, and a failed gallery write is retried until it succeeds.
CREATE TABLE gallery_outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a row is deleted by its id once applied
  face_id     TEXT NOT NULL,                       -- not a key: the face may be gone (a removal to apply)
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  created_at  TEXT NOT NULL
);

-- The gallery knows a face's owner (the session, now the entry, that a match reports): the moved entries' faces
-- are re-applied at the next start.
INSERT INTO gallery_outbox (face_id, created_at) SELECT id, created_at FROM faces WHERE list_entry_id IS NOT NULL;

-- 3. The saved answer of an API call is sessions.decision_json; api_requests held a second copy that nothing read
-- (and that every erasure had to scrub too).
DROP TABLE api_requests;
