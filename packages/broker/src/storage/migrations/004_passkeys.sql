-- WebAuthn credentials ("passkeys"). An account may now have no password (passkey-first
-- sign-up): users.password_hash is already nullable, and password sign-in treats a null
-- hash like an unknown account (same answer, same dummy hash, same time).
CREATE TABLE passkeys (
  id                         text PRIMARY KEY,
  user_id                    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- base64url of the credential's raw id, as the browser sends it back; one account per credential.
  credential_id              text NOT NULL UNIQUE,
  -- The COSE public key as registered.
  public_key                 bytea NOT NULL,
  -- The signature counter (unsigned 32-bit); 0 forever for synced passkeys.
  counter                    bigint NOT NULL DEFAULT 0 CHECK (counter >= 0),
  transports                 text[] NOT NULL DEFAULT '{}',
  -- The authenticator model (all zeros when it does not say).
  aaguid                     text NOT NULL,
  name                       text NOT NULL,
  device_type                text NOT NULL CHECK (device_type IN ('single-device', 'multi-device')),
  backed_up                  boolean NOT NULL,
  created_at                 timestamptz NOT NULL,
  last_used_at               timestamptz,
  -- Signed assertions whose counter did not move forward: a sign of a cloned authenticator.
  -- Each one was refused; the count and the time of the last one are kept for the operator.
  counter_regressions        integer NOT NULL DEFAULT 0,
  last_counter_regression_at timestamptz
);
CREATE INDEX passkeys_user_id ON passkeys (user_id, created_at);
