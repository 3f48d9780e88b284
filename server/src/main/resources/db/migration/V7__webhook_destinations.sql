-- Didit's webhook destinations (/v3/webhook/destinations/): several URLs per application, each with its own
-- generated secret (AES-GCM sealed, as the application's webhook secret), on/off switch and event subscription.
-- Deliveries remember their destination (NULL: the application's own webhook, set by the CLI or console) and
-- the event they carry: one event_id for every destination it goes to, kept across retries. The body stored is
-- the event without its "timestamp", which is set at each attempt (it is signed, and receivers refuse old ones).
CREATE TABLE webhook_destinations (
  id                 TEXT PRIMARY KEY,
  application_id     TEXT NOT NULL REFERENCES applications(id),
  label              TEXT,
  url                TEXT NOT NULL,
  enabled            INTEGER NOT NULL DEFAULT 1,
  webhook_version    TEXT NOT NULL DEFAULT 'v3',
  subscribed_events  TEXT NOT NULL,        -- JSON array of event names
  secret_encrypted   TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX webhook_destinations_app ON webhook_destinations(application_id, created_at);

ALTER TABLE webhook_deliveries ADD COLUMN destination_id TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN event_id TEXT;
