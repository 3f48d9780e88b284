-- Webhooks: per application a URL and a signing secret (AES-GCM encrypted under data/secret.key: it must be
-- readable to sign, so it cannot be hashed), and a durable outbox of deliveries written in the same
-- transaction as the change they report.
ALTER TABLE applications ADD COLUMN webhook_url TEXT;
ALTER TABLE applications ADD COLUMN webhook_secret_encrypted TEXT;

CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  application_id   TEXT NOT NULL REFERENCES applications(id),
  webhook_type     TEXT NOT NULL,          -- 'status.updated' | 'data.updated'
  url              TEXT NOT NULL,
  body             TEXT NOT NULL,          -- the exact bytes that are signed and sent
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  delivered_at     TEXT,
  failed_at        TEXT,                   -- set when retries are exhausted
  last_error       TEXT,
  created_at       TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(delivered_at, failed_at, next_attempt_at);
