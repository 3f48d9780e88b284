-- facesearch schema, version 1. The SQL database is the source of truth: every enrolled face's embedding
-- lives here (faces.embedding); the Lucene gallery in the data folder is an index rebuilt from it.
-- Times are ISO-8601 UTC text ('2026-11-27T13:34:11.123Z'); ids are UUID text; booleans are 0/1.

CREATE TABLE organizations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- An application is a tenant: API keys, sessions, faces and settings belong to exactly one.
CREATE TABLE applications (
  id                    TEXT PRIMARY KEY,
  organization_id       TEXT NOT NULL REFERENCES organizations(id),
  name                  TEXT NOT NULL,
  client_id             TEXT NOT NULL UNIQUE,
  similarity_threshold  REAL NOT NULL DEFAULT 70,   -- similarity_percentage at or above which a match counts
  allow_multiple_faces  INTEGER NOT NULL DEFAULT 1, -- 0: a photo with several faces is Declined
  search_api_sessions   INTEGER NOT NULL DEFAULT 1, -- 1: faces of API sessions are enrolled and searchable
  next_session_number   INTEGER NOT NULL DEFAULT 1,
  created_at            TEXT NOT NULL
);

-- API keys are shown once; only their SHA-256 is kept (they are 160-bit random, so a fast hash is enough).
CREATE TABLE api_keys (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  prefix          TEXT NOT NULL,          -- first characters, for listing
  key_sha256      TEXT NOT NULL UNIQUE,   -- hex
  created_at      TEXT NOT NULL,
  revoked_at      TEXT
);

-- A session: one face search saved as an API session, or an enrolled existing user.
CREATE TABLE sessions (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications(id),
  session_number     INTEGER NOT NULL,
  session_type       TEXT NOT NULL,      -- 'api' (from /v3/face-search/) | 'enrolled' (from /v3/sessions/ or import)
  status             TEXT NOT NULL,      -- 'Approved' | 'In Review' | 'Declined'
  vendor_data        TEXT,
  name               TEXT,
  document_type      TEXT,
  document_number    TEXT,
  verification_date  TEXT NOT NULL,
  image_file         TEXT,               -- file name under <data>/images/, or NULL
  decision_json      TEXT,               -- the face_search answer, for GET /v3/session/{id}/decision/
  created_at         TEXT NOT NULL,
  UNIQUE (application_id, session_number)
);
CREATE INDEX sessions_by_application ON sessions(application_id, created_at);

-- Enrolled faces. embedding: 512 float32 little-endian (2048 bytes), L2-normalised, made by model_id.
CREATE TABLE faces (
  id              TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  session_id      TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  source          TEXT NOT NULL,         -- 'session' | 'imported' | 'list_entry' | 'api'
  blocklisted     INTEGER NOT NULL DEFAULT 0,
  allowlisted     INTEGER NOT NULL DEFAULT 0,
  approved        INTEGER NOT NULL DEFAULT 0,
  searchable      INTEGER NOT NULL DEFAULT 1,
  model_id        TEXT NOT NULL,
  embedding       BLOB NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX faces_by_session ON faces(session_id);
CREATE INDEX faces_by_application ON faces(application_id);

-- Answers of saved API calls (save_api_request=true), by request id.
CREATE TABLE api_requests (
  request_id      TEXT PRIMARY KEY,
  application_id  TEXT NOT NULL REFERENCES applications(id),
  session_id      TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  endpoint        TEXT NOT NULL,
  response_json   TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
