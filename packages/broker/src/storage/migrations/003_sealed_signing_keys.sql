-- Private signing keys are sealed at rest (AES-256-GCM under a key derived from the broker
-- secret, the kid as associated data); the database alone no longer yields a signing key.
-- Keys stored in plaintext before this migration are retired now: they stay published until
-- the tokens they signed have expired, their private part is dropped, and the broker makes a
-- fresh, sealed key on its next start. A leaked database dump of the old table is then worthless
-- for signing, because no key in it signs any more.
ALTER TABLE signing_keys ADD COLUMN sealed_private_key text;
UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL;
ALTER TABLE signing_keys DROP COLUMN private_jwk;

-- The per-mint check "which key signs now?" reads only this small index.
CREATE INDEX signing_keys_signing ON signing_keys (activates_at DESC, kid) WHERE retired_at IS NULL AND sealed_private_key IS NOT NULL;
