-- Second factors (issue 23). An authenticator app (TOTP, RFC 6238) per account, its
-- secret sealed at rest (AES-256-GCM under the broker secret, purpose `totp-secret`,
-- the row id as associated data), and a batch of single-use recovery codes.
CREATE TABLE totp_factors (
  id             text PRIMARY KEY,
  -- At most one authenticator app per account today.
  user_id        text NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  sealed_secret  text NOT NULL,
  -- The last RFC 6238 time step a code was accepted for: a code of the same or an
  -- older step is refused, so no code is taken twice (one conditional UPDATE).
  last_used_step bigint,
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz
);

-- Recovery codes: SHA-256 of the normalized code (ten characters of a 31-letter
-- alphabet, about 50 bits each: high entropy, no slow hash needed). A batch per
-- account; regenerating replaces it. A code is used once: `used_at` is set by one
-- conditional UPDATE.
CREATE TABLE recovery_codes (
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  text NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, code_hash)
);
