-- The Business Console (/console/): signed-in browser sessions and the sign-in lockout.

-- A console session: the cookie holds a random token, only its SHA-256 is kept. csrf_token is the
-- per-session anti-forgery token every state-changing form must echo.
CREATE TABLE console_sessions (
  token_sha256     TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  organization_id  TEXT NOT NULL REFERENCES organizations(id),
  application_id   TEXT,                 -- the application the console shows (NULL: the first of the organization)
  csrf_token       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions(user_id);

-- Failed sign-ins per e-mail address (known or not): 5 in a row lock the address for 15 minutes.
CREATE TABLE console_sign_in_failures (
  email         TEXT PRIMARY KEY,        -- lower-cased
  failures      INTEGER NOT NULL,
  locked_until  TEXT
);
