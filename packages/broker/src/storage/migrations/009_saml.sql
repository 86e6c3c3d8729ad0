-- SAML 2.0 connections (their config lives in connections.config, type 'saml').
-- The replay cache: every assertion an ACS accepted, by connection and assertion ID, kept until it
-- could no longer be valid anyway; the primary key makes "seen before" one conditional INSERT, so
-- two instances receiving the same assertion at once accept it once.
CREATE TABLE saml_assertions (
  connection_id text NOT NULL,
  assertion_id  text NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (connection_id, assertion_id)
);
CREATE INDEX saml_assertions_expires_at ON saml_assertions (expires_at);

-- What a connection refused, for the organization's admins (the user sees only `reference`).
CREATE TABLE connection_rejections (
  reference     text PRIMARY KEY,
  connection_id text NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  reason        text NOT NULL,
  detail        text NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX connection_rejections_connection ON connection_rejections (connection_id, created_at DESC);
