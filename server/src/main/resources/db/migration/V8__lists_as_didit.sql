-- Face lists in Didit's shape: a description, the application's system face blocklist (is_system: created by the
-- server, never renamed or deleted), and entries with a display label, metadata and the session they were taken
-- from (reference_session_id / _number are plain values, not keys: an entry outlives its session, so that deleting a
-- blocklisted session keeps its face on the system blocklist, as Didit does).
ALTER TABLE face_lists ADD COLUMN description TEXT;
ALTER TABLE face_lists ADD COLUMN is_system INTEGER NOT NULL DEFAULT 0;
ALTER TABLE face_lists ADD COLUMN updated_at TEXT;
ALTER TABLE face_list_entries ADD COLUMN display_label TEXT;
ALTER TABLE face_list_entries ADD COLUMN reference_session_id TEXT;
ALTER TABLE face_list_entries ADD COLUMN reference_session_number INTEGER;
ALTER TABLE face_list_entries ADD COLUMN metadata TEXT;
