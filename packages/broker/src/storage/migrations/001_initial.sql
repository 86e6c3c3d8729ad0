-- Accounts exist only once their email is verified: pending sign-ups live in email_flows.
CREATE TABLE users (
  id                text PRIMARY KEY,
  email             text NOT NULL UNIQUE,
  email_verified_at timestamptz,
  password_hash     text,
  name              text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

-- The cookie carries a secret; only its SHA-256 is stored, so a database leak yields no sessions.
CREATE TABLE sessions (
  id           text PRIMARY KEY,
  secret_hash  text NOT NULL UNIQUE,
  user_id      text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  amr          text[] NOT NULL,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- One row per mailed-code flow. code_hash is null when nothing was mailed (unknown account),
-- so such a flow can never be verified yet answers exactly like a real one.
CREATE TABLE email_flows (
  id           text PRIMARY KEY,
  purpose      text NOT NULL CHECK (purpose IN ('sign-up', 'sign-in', 'password-reset')),
  email        text NOT NULL,
  user_id      text REFERENCES users(id) ON DELETE CASCADE,
  code_hash    text,
  attempts     integer NOT NULL DEFAULT 0,
  data         jsonb NOT NULL DEFAULT '{}',
  return_to    text,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  resend_after timestamptz NOT NULL,
  consumed_at  timestamptz
);
CREATE INDEX email_flows_expires_at ON email_flows (expires_at);

-- ES256 signing keys. A key is published from created_at, signs from activates_at (so
-- verifiers have fetched it before its first token), and stays published after retired_at
-- until its last token expired.
CREATE TABLE signing_keys (
  kid          text PRIMARY KEY,
  alg          text NOT NULL,
  private_jwk  jsonb NOT NULL,
  public_jwk   jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  activates_at timestamptz NOT NULL,
  retired_at   timestamptz
);

-- The dev outbox: mail stored instead of sent when no SMTP server is configured.
CREATE TABLE mail_outbox (
  id         text PRIMARY KEY,
  seq        integer GENERATED ALWAYS AS IDENTITY,
  recipient  text NOT NULL,
  subject    text NOT NULL,
  body_text  text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient, seq DESC);

-- Fixed-window counters shared by every broker instance.
CREATE TABLE rate_limits (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- Generated secrets (dev mode), shared by every instance on the same database.
CREATE TABLE broker_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL
);
