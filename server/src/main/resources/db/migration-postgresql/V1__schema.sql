-- The PostgreSQL schema: equal in meaning to SQLite's V1..V11 end state (server/src/main/resources/db/migration),
-- with typed columns. This set is versioned on its own; a change of the SQLite schema needs its twin here.
--
-- Times: the domain stored_time, text in StoredTime's form (UTC, six fraction digits, 27 characters), checked by
-- pattern and compared byte-wise (COLLATE "C"), not timestamptz. Why: every repository binds, compares and sorts
-- times in that one form on both databases (SqlRows binds an Instant as StoredTime), so the SQL stays one text for
-- both engines and a value reads back identical whichever engine stored it (and `./facesearch migrate` copies
-- values, not conversions). The check makes a malformed time a write error, as a type would; COLLATE "C" makes text
-- order time order whatever the database's locale. No SQL computes with times (no now(), no intervals); the day
-- of a time is substr(t, 1, 10) on both engines.
--
-- rowid: SQLite's implicit insertion order, which the repositories use to order rows created in the same
-- microsecond (ORDER BY created_at, rowid). PostgreSQL has no such column; the two tables ordered that way get an
-- identity column of that name, so the statement is the same on both engines.

CREATE DOMAIN stored_time AS text COLLATE "C"
  CHECK (VALUE ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$');

CREATE TABLE organizations (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  stored_time NOT NULL,
  metered     boolean NOT NULL DEFAULT false
);

CREATE TABLE applications (
  id                            text PRIMARY KEY,
  rowid                         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  organization_id               text NOT NULL REFERENCES organizations(id),
  name                          text NOT NULL,
  client_id                     text NOT NULL UNIQUE,
  similarity_threshold          double precision NOT NULL DEFAULT 70,
  allow_multiple_faces          boolean NOT NULL DEFAULT true,
  search_api_sessions           boolean NOT NULL DEFAULT true,
  next_session_number           bigint NOT NULL DEFAULT 1,
  created_at                    stored_time NOT NULL,
  auto_blocklist_declined       boolean NOT NULL DEFAULT false,
  retention_days                integer,
  face_match_decline_threshold  double precision NOT NULL DEFAULT 30,
  liveness_decline_threshold    double precision NOT NULL DEFAULT 30,
  age_decline_threshold         double precision NOT NULL DEFAULT 18,
  webhook_url                   text,
  webhook_secret_encrypted      text,
  threshold_automatic           boolean NOT NULL DEFAULT true,
  target_review_rate            double precision NOT NULL DEFAULT 0.01,
  search_unapproved_sessions    boolean NOT NULL DEFAULT false
);

CREATE TABLE api_keys (
  id              text PRIMARY KEY,
  rowid           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  application_id  text NOT NULL REFERENCES applications(id),
  prefix          text NOT NULL,
  key_sha256      text NOT NULL UNIQUE,
  created_at      stored_time NOT NULL,
  revoked_at      stored_time
);

CREATE TABLE sessions (
  id                 text PRIMARY KEY,
  application_id     text NOT NULL REFERENCES applications(id),
  session_number     bigint NOT NULL,
  session_type       text NOT NULL,
  status             text NOT NULL,
  vendor_data        text,
  name               text,
  document_type      text,
  document_number    text,
  verification_date  stored_time NOT NULL,
  image_file         text,
  decision_json      text,
  created_at         stored_time NOT NULL,
  status_reason      text,
  updated_at         stored_time,
  UNIQUE (application_id, session_number)
);
CREATE INDEX sessions_by_application ON sessions(application_id, created_at);

CREATE TABLE import_keys (
  application_id  text NOT NULL REFERENCES applications(id),
  import_key      text NOT NULL,
  session_id      text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at      stored_time NOT NULL,
  PRIMARY KEY (application_id, import_key)
);
CREATE INDEX import_keys_by_session ON import_keys(session_id);

CREATE TABLE users (
  id                 text PRIMARY KEY,
  email              text NOT NULL UNIQUE,
  password_hash      text NOT NULL,
  organization_id    text REFERENCES organizations(id),
  email_verified_at  stored_time,
  created_at         stored_time NOT NULL
);

CREATE TABLE email_codes (
  id            text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_sha256   text NOT NULL,
  expires_at    stored_time NOT NULL,
  failed_tries  integer NOT NULL DEFAULT 0,
  used_at       stored_time,
  created_at    stored_time NOT NULL
);
CREATE INDEX email_codes_by_user ON email_codes(user_id);

CREATE TABLE access_tokens (
  token_sha256     text PRIMARY KEY,
  kind             text NOT NULL,
  user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id  text NOT NULL REFERENCES organizations(id),
  expires_at       stored_time NOT NULL,
  revoked_at       stored_time,
  created_at       stored_time NOT NULL
);
CREATE INDEX access_tokens_by_user ON access_tokens(user_id);

CREATE TABLE email_outbox (
  id          text PRIMARY KEY,
  recipient   text NOT NULL,
  subject     text NOT NULL,
  body        text NOT NULL,
  created_at  stored_time NOT NULL,
  sent_at     stored_time
);

CREATE TABLE credit_ledger (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id  text NOT NULL REFERENCES organizations(id),
  amount           bigint NOT NULL,
  kind             text NOT NULL,
  endpoint         text,
  reference        text,
  created_at       stored_time NOT NULL
);
CREATE INDEX credit_ledger_by_organization ON credit_ledger(organization_id);

CREATE TABLE credit_holds (
  id               text PRIMARY KEY,
  organization_id  text NOT NULL REFERENCES organizations(id),
  amount           bigint NOT NULL,
  created_at       stored_time NOT NULL
);
CREATE INDEX credit_holds_by_organization ON credit_holds(organization_id);

CREATE TABLE top_ups (
  id                 text PRIMARY KEY,
  organization_id    text NOT NULL REFERENCES organizations(id),
  amount_in_dollars  bigint NOT NULL,
  credits            bigint NOT NULL,
  status             text NOT NULL,
  success_url        text,
  cancel_url         text,
  created_at         stored_time NOT NULL,
  confirmed_at       stored_time
);

CREATE TABLE face_lists (
  id              text PRIMARY KEY,
  application_id  text NOT NULL REFERENCES applications(id),
  name            text NOT NULL,
  list_type       text NOT NULL,
  created_at      stored_time NOT NULL,
  description     text,
  is_system       boolean NOT NULL DEFAULT false,
  updated_at      stored_time
);

CREATE TABLE webhook_deliveries (
  id               text PRIMARY KEY,
  application_id   text NOT NULL REFERENCES applications(id),
  webhook_type     text NOT NULL,
  url              text NOT NULL,
  body             text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  stored_time NOT NULL,
  delivered_at     stored_time,
  failed_at        stored_time,
  last_error       text,
  created_at       stored_time NOT NULL,
  destination_id   text,
  event_id         text
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(delivered_at, failed_at, next_attempt_at);

CREATE TABLE console_sessions (
  token_sha256     text PRIMARY KEY,
  user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id  text NOT NULL REFERENCES organizations(id),
  application_id   text,
  csrf_token       text NOT NULL,
  expires_at       stored_time NOT NULL,
  created_at       stored_time NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions(user_id);

CREATE TABLE console_sign_in_failures (
  email         text PRIMARY KEY,
  failures      integer NOT NULL,
  locked_until  stored_time
);

CREATE TABLE webhook_destinations (
  id                 text PRIMARY KEY,
  application_id     text NOT NULL REFERENCES applications(id),
  label              text,
  url                text NOT NULL,
  enabled            boolean NOT NULL DEFAULT true,
  webhook_version    text NOT NULL DEFAULT 'v3',
  subscribed_events  text NOT NULL,
  secret_encrypted   text NOT NULL,
  created_at         stored_time NOT NULL,
  updated_at         stored_time NOT NULL
);
CREATE INDEX webhook_destinations_app ON webhook_destinations(application_id, created_at);

CREATE TABLE face_list_entries (
  id                        text PRIMARY KEY,
  list_id                   text NOT NULL REFERENCES face_lists(id) ON DELETE CASCADE,
  image_id                  text,
  comment                   text,
  display_label             text,
  reference_session_id      text,
  reference_session_number  bigint,
  metadata                  text,
  created_at                stored_time NOT NULL
);
CREATE INDEX face_list_entries_by_list ON face_list_entries(list_id, created_at);

CREATE TABLE faces (
  id              text PRIMARY KEY,
  application_id  text NOT NULL REFERENCES applications(id),
  session_id      text REFERENCES sessions(id) ON DELETE CASCADE,
  list_entry_id   text REFERENCES face_list_entries(id) ON DELETE CASCADE,
  source          text NOT NULL,
  blocklisted     boolean NOT NULL DEFAULT false,
  allowlisted     boolean NOT NULL DEFAULT false,
  approved        boolean NOT NULL DEFAULT false,
  searchable      boolean NOT NULL DEFAULT true,
  model_id        text NOT NULL,
  embedding       bytea NOT NULL,
  created_at      stored_time NOT NULL,
  CHECK ((session_id IS NULL) <> (list_entry_id IS NULL))
);
CREATE INDEX faces_by_session ON faces(session_id);
CREATE INDEX faces_by_list_entry ON faces(list_entry_id);
CREATE INDEX faces_by_application ON faces(application_id);

CREATE TABLE gallery_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  face_id     text NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  created_at  stored_time NOT NULL
);
