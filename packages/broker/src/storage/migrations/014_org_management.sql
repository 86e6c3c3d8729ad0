-- Organizations managed by their own members (issue 24): roles and permissions, joining
-- (invitations, invite links, access requests, domain enrolment), security policies and
-- audit events. Written by modules/orgs and modules/audit; the admin API keeps its routes.

-- How a membership came to be, for the members page (`Member.source`).
ALTER TABLE memberships ADD COLUMN source text NOT NULL DEFAULT 'admin'
  CHECK (source IN ('created', 'invitation', 'link', 'request', 'domain', 'sso', 'admin'));

-- Custom roles: a named set of permissions per organization. The built-in roles (owner,
-- admin, member) are not rows: their permissions are fixed in code (modules/orgs/permissions.ts).
-- `memberships.role` holds a built-in role or a key of this table (checked by the routes).
CREATE TABLE org_roles (
  org_id      text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,39}$' AND key NOT IN ('owner', 'admin', 'member')),
  name        text NOT NULL,
  permissions text[] NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id, key)
);

-- Security policies (require_mfa arrived in 013). A policy newly required lets members in
-- who do not meet it until `policy_grace_until`.
ALTER TABLE organizations ADD COLUMN require_passkey boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN require_sso boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN policy_grace_days integer NOT NULL DEFAULT 0 CHECK (policy_grace_days BETWEEN 0 AND 90);
ALTER TABLE organizations ADD COLUMN policy_grace_until timestamptz;

-- Domains: how one was verified (`dns` by its TXT record, `admin` through the admin API, which
-- every domain verified before this migration was), the TXT value to publish, and enrolment.
-- `automatic` enrolment (domain capture) only for a domain verified by DNS.
ALTER TABLE organization_domains ADD COLUMN verification text CHECK (verification IN ('dns', 'admin'));
UPDATE organization_domains SET verification = 'admin' WHERE verified_at IS NOT NULL;
ALTER TABLE organization_domains ADD COLUMN txt_token text;
ALTER TABLE organization_domains ADD COLUMN enrollment text NOT NULL DEFAULT 'manual' CHECK (enrollment IN ('manual', 'request', 'automatic'));
ALTER TABLE organization_domains ADD CONSTRAINT organization_domains_capture_dns CHECK (enrollment <> 'automatic' OR verification = 'dns');

-- Invitations by email: single-use, expiring, revocable. Only the token's SHA-256 is stored.
CREATE TABLE org_invitations (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email       text NOT NULL,
  role        text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  invited_by  text REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by text REFERENCES users(id) ON DELETE SET NULL,
  revoked_at  timestamptz
);
-- One pending invitation per address and organization (inviting again replaces it).
CREATE UNIQUE INDEX org_invitations_pending ON org_invitations (org_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Invite links: multi-use, with a use limit and an expiry, revocable. Uses are counted by one
-- conditional UPDATE (uses < max_uses), so parallel joins at the limit never overshoot.
CREATE TABLE org_invite_links (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  role        text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  uses        integer NOT NULL DEFAULT 0,
  max_uses    integer CHECK (max_uses IS NULL OR max_uses > 0),
  expires_at  timestamptz,
  created_by  text REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  CHECK (max_uses IS NULL OR uses <= max_uses)
);
CREATE INDEX org_invite_links_org_id ON org_invite_links (org_id, created_at);

-- Access requests ("ask to join"), decided by an owner or admin with a recorded reason.
CREATE TABLE org_access_requests (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  message     text,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
  reason      text,
  decided_by  text REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  decided_at  timestamptz
);
CREATE UNIQUE INDEX org_access_requests_pending ON org_access_requests (org_id, user_id) WHERE status = 'pending';
CREATE INDEX org_access_requests_user ON org_access_requests (user_id, created_at);

-- Audit events: append-only (nothing updates them; only the retention sweep deletes). No
-- foreign keys: an event outlives the organization, user or object it names.
CREATE TABLE audit_events (
  id          text PRIMARY KEY,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  org_id      text,
  type        text NOT NULL,
  actor_id    text,
  actor_email text,
  target_type text,
  target_id   text,
  target_label text,
  data        jsonb NOT NULL DEFAULT '{}',
  ip          text,
  user_agent  text,
  created_at  timestamptz NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, seq DESC);
CREATE INDEX audit_events_created_at ON audit_events (created_at);
