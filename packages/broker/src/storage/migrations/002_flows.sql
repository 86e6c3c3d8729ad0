-- One store for every sign-in transaction: mailed codes and pending sign-ins now;
-- passkey challenges, OAuth and SAML requests and MFA steps later. Each row is
-- single-use (consumed_at), expiring, bound to the browser that opened it
-- (binding_hash: SHA-256 of an HttpOnly cookie), and counts its attempts in the
-- same conditional UPDATE that compares them.
CREATE TABLE flows (
  id           text PRIMARY KEY,
  kind         text NOT NULL,
  binding_hash text NOT NULL,
  -- No foreign key on purpose: checking one costs the database a lookup only when there is an
  -- account, and that difference in time would tell who has one. Whoever redeems a flow
  -- reads the user again; a deleted user's flows lapse with their expiry.
  user_id      text,
  -- What the user must present (an HMAC of a mailed code, a challenge); null when nothing can match.
  secret_hash  text,
  data         jsonb NOT NULL DEFAULT '{}',
  attempts     integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz,
  CHECK (attempts <= max_attempts)
);
CREATE INDEX flows_expires_at ON flows (expires_at);

-- Mailed-code flows move to `flows`. Open ones (ten minutes' worth) lapse on upgrade.
DROP TABLE email_flows;

-- Attempt counters take a unit only while under their limit and past their backoff
-- (one conditional upsert), so they need the time of the last hit.
ALTER TABLE rate_limits ADD COLUMN last_hit_at timestamptz;
CREATE INDEX rate_limits_window_start ON rate_limits (window_start);

-- The outbox is swept by age.
CREATE INDEX mail_outbox_created_at ON mail_outbox (created_at);
