-- Accounts (programmatic registration), access tokens, e-mail, and prepaid credits.

-- Whether an organization's billable calls are charged. The operator's own organization (created at first
-- start) is unmetered unless the operator turns metering on; registered organizations are metered.
ALTER TABLE organizations ADD COLUMN metered INTEGER NOT NULL DEFAULT 0;

CREATE TABLE users (
  id                 TEXT PRIMARY KEY,
  email              TEXT NOT NULL UNIQUE,          -- lower-cased
  password_hash      TEXT NOT NULL,                 -- bcrypt, cost 12
  organization_id    TEXT REFERENCES organizations(id), -- set when the e-mail is verified
  email_verified_at  TEXT,
  created_at         TEXT NOT NULL
);

-- One-time e-mail codes: only their SHA-256 is kept; a code dies after 15 minutes, 5 wrong tries, or one use.
CREATE TABLE email_codes (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_sha256  TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  failed_tries INTEGER NOT NULL DEFAULT 0,
  used_at      TEXT,
  created_at   TEXT NOT NULL
);

-- Access and refresh tokens act for an organization (the console); only their SHA-256 is kept.
CREATE TABLE access_tokens (
  token_sha256     TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,                   -- 'access' | 'refresh'
  user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  expires_at       TEXT NOT NULL,
  revoked_at       TEXT,
  created_at       TEXT NOT NULL
);

-- Mail that was not sent through SMTP (none configured) or failed: the operator reads it with the CLI.
CREATE TABLE email_outbox (
  id          TEXT PRIMARY KEY,
  recipient   TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  sent_at     TEXT
);

-- The append-only credit ledger; an organization's balance is SUM(amount). Unit: 1 credit (see README).
CREATE TABLE credit_ledger (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  amount           INTEGER NOT NULL,                -- > 0 adds credits, < 0 charges
  kind             TEXT NOT NULL,                   -- 'charge' | 'grant' | 'top_up' | 'free_balance'
  endpoint         TEXT,                            -- for charges, e.g. 'face-search'
  reference        TEXT,                            -- request id, top-up id, or operator note
  created_at       TEXT NOT NULL
);
CREATE INDEX credit_ledger_by_organization ON credit_ledger(organization_id);

-- Credits set aside by calls in progress, so that concurrent calls can never overspend. Not part of the
-- balance: a hold becomes a ledger charge in the transaction that saves the call's result, or is released.
CREATE TABLE credit_holds (
  id               TEXT PRIMARY KEY,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  amount           INTEGER NOT NULL,
  created_at       TEXT NOT NULL
);

CREATE TABLE top_ups (
  id                 TEXT PRIMARY KEY,
  organization_id    TEXT NOT NULL REFERENCES organizations(id),
  amount_in_dollars  INTEGER NOT NULL,
  credits            INTEGER NOT NULL,
  status             TEXT NOT NULL,                 -- 'pending' | 'confirmed' | 'cancelled'
  success_url        TEXT,
  cancel_url         TEXT,
  created_at         TEXT NOT NULL,
  confirmed_at       TEXT
);
