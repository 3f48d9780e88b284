-- Review of sessions, face lists, and the application settings that go with them.

ALTER TABLE applications ADD COLUMN auto_blocklist_declined INTEGER NOT NULL DEFAULT 0; -- 1: a reviewer's Declined blocklists the face
ALTER TABLE applications ADD COLUMN retention_days INTEGER;                            -- NULL: keep biometric data
ALTER TABLE applications ADD COLUMN face_match_decline_threshold REAL NOT NULL DEFAULT 30;
ALTER TABLE applications ADD COLUMN liveness_decline_threshold REAL NOT NULL DEFAULT 30;
ALTER TABLE applications ADD COLUMN age_decline_threshold REAL NOT NULL DEFAULT 18;

ALTER TABLE sessions ADD COLUMN status_reason TEXT;   -- the reviewer's comment on the last status change
ALTER TABLE sessions ADD COLUMN updated_at TEXT;

-- Face lists that do not come from sessions: each entry is a hidden session of type 'list_entry' whose face
-- has source 'list_entry' and is blocklisted or allowlisted by its list's type.
CREATE TABLE face_lists (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  name            TEXT NOT NULL,
  list_type       TEXT NOT NULL,        -- 'blocklist' | 'allowlist'
  created_at      TEXT NOT NULL
);

CREATE TABLE face_list_entries (
  id          TEXT PRIMARY KEY,
  list_id     TEXT NOT NULL REFERENCES face_lists(id) ON DELETE CASCADE,
  session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  comment     TEXT,
  created_at  TEXT NOT NULL
);
