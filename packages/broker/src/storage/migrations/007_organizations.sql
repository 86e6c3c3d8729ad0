-- Organizations, the email domains they own, their members and their sign-in connections
-- (enterprise OIDC now, SAML next). Written by the admin API; read by home-realm discovery
-- (`findDomainSso`), JIT provisioning (`upsertMembership`) and the session token (`org_role`).
CREATE TABLE organizations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  slug       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- A domain belongs to one organization at most (the unique key), claimed or verified.
-- Stored lower-case ASCII (an international domain in its punycode form), so an address's
-- domain is found by plain equality: no Unicode folding can make two domains equal.
-- Only a verified domain sends its addresses to the organization's IdP, and only a
-- verified one may require SSO.
CREATE TABLE organization_domains (
  domain       text PRIMARY KEY CHECK (domain ~ '^[a-z0-9.-]+$' AND domain LIKE '%.%'),
  org_id       text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  verified_at  timestamptz,
  sso_required boolean NOT NULL DEFAULT false CHECK (NOT sso_required OR verified_at IS NOT NULL),
  created_at   timestamptz NOT NULL
);
CREATE INDEX organization_domains_org_id ON organization_domains (org_id, domain);

CREATE TABLE memberships (
  org_id     text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);

-- An organization's way to sign in through its own IdP. `config` holds what is public
-- (issuer, client id, token endpoint auth method, scopes; SAML fields later); the client
-- secret or private key is only ever stored sealed (AES-256-GCM under the broker secret,
-- purpose `connection-secret`, the connection id as associated data).
CREATE TABLE connections (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type          text NOT NULL CHECK (type IN ('oidc', 'saml')),
  name          text NOT NULL,
  enabled       boolean NOT NULL DEFAULT true,
  config        jsonb NOT NULL,
  sealed_secret text,
  default_role  text NOT NULL DEFAULT 'member',
  allow_linking boolean NOT NULL DEFAULT false,
  idp_initiated boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
-- Home-realm discovery takes an organization's oldest enabled connection.
CREATE INDEX connections_org_id ON connections (org_id, created_at, id);
