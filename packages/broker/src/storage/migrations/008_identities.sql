-- Sign-in identities of other providers (social OAuth 2.0 / OIDC now, enterprise
-- connections next), keyed by the issuer and its subject: never by email, which an
-- IdP may reassign or let a user change. `provider` is the configured social
-- provider's id, `connection_id` an organization's connection (one of the two).
CREATE TABLE identities (
  id             text PRIMARY KEY,
  user_id        text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issuer         text NOT NULL,
  subject        text NOT NULL,
  provider       text,
  connection_id  text,
  -- What the provider asserted at the last sign-in, for the account page; never a key.
  email          text,
  email_verified boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz,
  UNIQUE (issuer, subject),
  CHECK ((provider IS NULL) <> (connection_id IS NULL))
);
CREATE INDEX identities_user_id ON identities (user_id);

-- An OAuth callback finds its flow by the hash of `state` alone, and the flow
-- resume endpoint a browser's result by its binding: both in one indexed statement.
CREATE INDEX flows_secret_hash ON flows (secret_hash) WHERE secret_hash IS NOT NULL;
CREATE INDEX flows_binding_hash ON flows (binding_hash);
