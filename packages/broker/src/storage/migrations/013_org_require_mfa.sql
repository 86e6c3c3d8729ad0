-- Per-organization "MFA required" (issue 23 §2). A member of an organization that requires
-- it signs in with a second factor whatever the first was; one without a second factor
-- enrols an authenticator app during sign-in, before any session opens. Off for every
-- existing organization.
ALTER TABLE organizations ADD COLUMN require_mfa boolean NOT NULL DEFAULT false;
