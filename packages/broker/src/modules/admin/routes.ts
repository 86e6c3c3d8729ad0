import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { limitBodySize, readJson } from '../../http/body.js';
import { ProblemError, problemResponse } from '../../http/problem.js';
import { randomId, randomSecret } from '../../random.js';
import {
  claimDomain,
  deleteConnection,
  deleteDomain,
  deleteMembership,
  deleteOrganization,
  findDomain,
  findOrganization,
  findOrganizationConnection,
  insertOrganization,
  lockOrganization,
  findConnectionTest,
  listConnectionRejections,
  listConnections,
  listDomains,
  listMembers,
  listOrganizations,
  setMembershipRole,
  updateDomain,
  updateOrganizationInTransaction,
  type ConnectionRecord,
  type DomainRecord,
  type MemberRecord,
  type MembershipRecord,
  type OrganizationRecord,
  listAdminUsers,
} from '../../storage/queries/index.js';
import { recordAuditEvent, type AuditEventInput } from '../audit/record.js';
import { clientAddress } from '../sign-in/browser.js';
import type { Db } from '../../storage/storage.js';
import { oauthRedirectUri } from '../orgs/connections.js';
import { normalizeDomain } from '../orgs/domains.js';
import { DEFAULT_TRUSTED_AMR, DEFAULT_TRUSTED_AUTHN_CONTEXTS } from '../orgs/idp-mfa.js';
import { createOidcConnection, updateOidcConnection } from './connections.js';
import { spUrls } from '../saml/config.js';
import { createSamlConnection, updateSamlConnection } from '../saml/connections.js';
import { startConnectionTest } from '../saml/connection-test.js';
import { requireAdminToken } from './guard.js';
import {
  createConnectionSchema,
  createDomainSchema,
  createOrganizationSchema,
  pageQuerySchema,
  putMembershipSchema,
  updateConnectionSchema,
  updateSamlConnectionSchema,
  updateDomainSchema,
  updateOrganizationSchema,
  userListQuerySchema,
} from './schema.js';
import { adminUser, adminUserView, deleteUser, exportUser, suspendUser, unsuspendUser } from './users.js';

/** Admin bodies are small JSON; SAML metadata XML (next) is the largest expected. */
export const ADMIN_MAX_BODY_BYTES = 256 * 1024;

const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString());

const organizationView = (org: OrganizationRecord) => ({
  id: org.id,
  name: org.name,
  slug: org.slug,
  require_mfa: org.requireMfa,
  created_at: iso(org.createdAt),
  updated_at: iso(org.updatedAt),
});

const domainView = (domain: DomainRecord) => ({
  domain: domain.domain,
  verified: domain.verifiedAt !== null,
  verified_at: iso(domain.verifiedAt),
  sso_required: domain.ssoRequired,
  created_at: iso(domain.createdAt),
});

const memberView = (member: MemberRecord | (MembershipRecord & { email?: string; name?: string | null })) => ({
  user_id: member.userId,
  ...(member.email !== undefined ? { email: member.email, name: member.name ?? null } : {}),
  role: member.role,
  created_at: iso(member.createdAt),
});

/** SAML fields that are documents, where line breaks are text. */
const SAML_DOCUMENTS = ['metadata_xml', 'certificates'] as const;

/** A connection as the admin sees it: everything but the sealed credential, plus what the IdP side needs (`redirect_uri`). */
function connectionView(deps: Deps, connection: ConnectionRecord) {
  const common = {
    id: connection.id,
    organization_id: connection.orgId,
    type: connection.type,
    name: connection.name,
    enabled: connection.enabled,
    default_role: connection.defaultRole,
    allow_linking: connection.allowLinking,
    idp_initiated: connection.idpInitiated,
    created_at: iso(connection.createdAt),
    updated_at: iso(connection.updatedAt),
  };
  if (connection.type === 'saml') {
    const sp = spUrls(deps.config, connection.id);
    const { idpEntityId, ssoUrl, certificates, attributes, groupRoles, wantResponseSigned, clockSkewSeconds, signRequests, encryptAssertions, spCertificate } = connection.config;
    return {
      ...common,
      entity_id: idpEntityId,
      sso_url: ssoUrl,
      certificates,
      attribute_preset: attributes.preset,
      group_roles: groupRoles,
      want_response_signed: wantResponseSigned,
      clock_skew_seconds: clockSkewSeconds,
      sign_requests: signRequests ?? false,
      encrypt_assertions: encryptAssertions ?? false,
      trust_idp_mfa: connection.config.idpMfa !== undefined,
      idp_mfa_authn_contexts: connection.config.idpMfa?.authnContexts ?? DEFAULT_TRUSTED_AUTHN_CONTEXTS,
      // What the IdP side needs: the SP's entity ID, its ACS and its metadata URL (and the SP certificate, when it has one).
      sp_entity_id: sp.entityId,
      acs_url: sp.acsUrl,
      metadata_url: sp.metadataUrl,
      sp_certificate: spCertificate ?? null,
    };
  }
  const { issuer, clientId, tokenEndpointAuthMethod, scopes, publicJwk } = connection.config;
  return {
    ...common,
    issuer,
    client_id: clientId,
    token_endpoint_auth_method: tokenEndpointAuthMethod,
    scopes,
    trust_idp_mfa: connection.config.idpMfa !== undefined,
    idp_mfa_amr: connection.config.idpMfa?.amr ?? DEFAULT_TRUSTED_AMR,
    idp_mfa_acr: connection.config.idpMfa?.acr ?? [],
    // The public half of a private_key_jwt key, to register at the IdP; the private key and any secret never leave.
    ...(publicJwk ? { public_jwk: publicJwk } : {}),
    redirect_uri: oauthRedirectUri(deps.config),
  };
}

function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new ProblemError('invalid_request', { errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(query)', message: issue.message })) });
  }
  return parsed.data;
}

/** A page of a list: one more row is read than shown, so `next_after` is null exactly on the last page. */
function page<Row, View>(rows: Row[], limit: number, key: (row: Row) => string, view: (row: Row) => View) {
  const shown = rows.slice(0, limit);
  return { data: shown.map(view), next_after: rows.length > limit ? key(shown.at(-1)!) : null };
}

/** `name` reduced to a slug (ASCII letters and digits, hyphens between); undefined when nothing of it is left. */
function slugFrom(name: string): string | undefined {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '');
  return slug || undefined;
}

/** The organization in the path, or 404 before anything else is read or written. */
async function organizationOf(deps: Deps, c: Context): Promise<OrganizationRecord> {
  const org = await findOrganization(deps.storage, c.req.param('id')!);
  if (!org) throw new ProblemError('not_found', { detail: 'no such organization' });
  return org;
}

/** The domain in the path in its stored form; one that cannot be a domain is not found. */
function domainOf(c: Context): string {
  const normalized = normalizeDomain(c.req.param('domain') ?? '');
  if (!('domain' in normalized)) throw new ProblemError('not_found', { detail: 'no such domain' });
  return normalized.domain;
}

/** One of the path organization's connections: another organization's connection id is not found here. */
async function connectionOf(deps: Deps, org: OrganizationRecord, c: Context): Promise<ConnectionRecord> {
  const connection = await findOrganizationConnection(deps.storage, org.id, c.req.param('cid')!);
  if (!connection) throw new ProblemError('not_found', { detail: 'no such connection in this organization' });
  return connection;
}

/** The admin API as an audit event's actor: no user, `admin-api` as its name, the calling server's address. */
const adminActor = (deps: Deps, c: Context) => ({
  userId: null,
  email: 'admin-api',
  ip: clientAddress(c, deps.config) ?? null,
  userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null,
});

/** Records an admin API change's event in its transaction. */
const auditAdmin = (deps: Deps, c: Context, tx: Db, orgId: string, event: Pick<AuditEventInput, 'type' | 'target' | 'data'>) =>
  recordAuditEvent(tx, { ...event, orgId, actor: adminActor(deps, c), at: deps.clock() });

/** A connection's audit target and what its event says about it (never a secret). */
const connectionEvent = (connection: ConnectionRecord) => ({
  target: { type: 'connection', id: connection.id, label: connection.name },
  data: { type: connection.type, enabled: connection.enabled },
});

/**
 * The admin API, mounted at `/admin/v1` ahead of the broker's browser middleware: its
 * own guards (bearer admin token, body limit, secure headers), no CORS, no Origin check.
 * Organizations, their verified domains, connections and memberships; users (list, suspend,
 * unsuspend, delete, export: ./users.ts).
 *
 * @example
 * app.route('/admin/v1', adminRoutes(deps));
 */
export function adminRoutes(deps: Deps) {
  const app = new Hono();
  // Headers first, so refusals carry them too; then the token; the body limit only for callers that passed it.
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin', referrerPolicy: 'no-referrer' }));
  app.use('*', async (c, next) => {
    await next();
    // Answers hold configuration (and lists of members): no cache keeps them.
    c.header('cache-control', 'no-store');
  });
  app.use('*', requireAdminToken(deps.config.adminToken), limitBodySize(ADMIN_MAX_BODY_BYTES));

  // Organizations

  app.post('/organizations', async (c) => {
    const body = await readJson(c, createOrganizationSchema);
    const slug = body.slug ?? slugFrom(body.name);
    if (slug === undefined) throw new ProblemError('invalid_request', { errors: [{ path: 'slug', message: 'required: the name has no letters or digits to make one from' }] });
    const org = await insertOrganization(deps.storage, { id: randomId('org'), name: body.name, slug, requireMfa: body.require_mfa, createdAt: deps.clock() });
    if (!org) throw new ProblemError('slug_taken', { detail: `another organization has the slug ${slug}` });
    return c.json(organizationView(org), 201);
  });

  app.get('/organizations', async (c) => {
    const { limit, after } = readQuery(c, pageQuerySchema);
    const rows = await listOrganizations(deps.storage, { after, limit: limit + 1 });
    return c.json(page(rows, limit, (org) => org.id, organizationView));
  });

  app.get('/organizations/:id', async (c) => c.json(organizationView(await organizationOf(deps, c))));

  app.patch('/organizations/:id', async (c) => {
    const change = await readJson(c, updateOrganizationSchema);
    const updated = await deps.storage.transaction(async (tx) => {
      const before = await lockOrganization(tx, c.req.param('id'));
      if (!before) throw new ProblemError('not_found', { detail: 'no such organization' });
      const after = await updateOrganizationInTransaction(tx, before.id, { name: change.name, slug: change.slug, requireMfa: change.require_mfa }, deps.clock());
      if (after === 'slug_taken') throw new ProblemError('slug_taken', { detail: `another organization has the slug ${change.slug}` });
      if (!after) throw new ProblemError('not_found', { detail: 'no such organization' });
      // "MFA required" is a security policy (`policy.updated`, as members change it); name and slug are the organization's own.
      if (before.requireMfa !== after.requireMfa) {
        await auditAdmin(deps, c, tx, before.id, { type: 'policy.updated', data: { from: { require_mfa: before.requireMfa }, to: { require_mfa: after.requireMfa } } });
      }
      if (before.name !== after.name || before.slug !== after.slug) {
        await auditAdmin(deps, c, tx, before.id, { type: 'org.updated', data: { from: { name: before.name, slug: before.slug }, to: { name: after.name, slug: after.slug } } });
      }
      return after;
    });
    return c.json(organizationView(updated));
  });

  app.delete('/organizations/:id', async (c) => {
    if (!(await deleteOrganization(deps.storage, c.req.param('id')))) throw new ProblemError('not_found', { detail: 'no such organization' });
    return c.body(null, 204);
  });

  // Domains

  app.post('/organizations/:id/domains', async (c) => {
    const body = await readJson(c, createDomainSchema);
    const normalized = normalizeDomain(body.domain);
    if (!('domain' in normalized)) throw new ProblemError('invalid_request', { errors: [{ path: 'domain', message: normalized.problem }] });
    if (body.sso_required && !body.verified) throw new ProblemError('invalid_request', { errors: [{ path: 'sso_required', message: 'only a verified domain can require SSO' }] });
    const now = deps.clock();
    const claim = { domain: normalized.domain, orgId: c.req.param('id'), verifiedAt: body.verified ? now : null, ssoRequired: body.sso_required, createdAt: now, txtToken: randomSecret() };
    const claimed = await deps.storage.transaction(async (tx) => {
      const result = await claimDomain(tx, claim);
      if (!result.orgFound) throw new ProblemError('not_found', { detail: 'no such organization' });
      if (!result.claimed) {
        const detail = result.owner === claim.orgId ? `${claim.domain} is this organization's already` : `${claim.domain} belongs to another organization`;
        throw new ProblemError('domain_taken', { detail });
      }
      await auditAdmin(deps, c, tx, claim.orgId, { type: 'domain.added', target: { type: 'domain', id: claim.domain }, data: { verified: body.verified, sso_required: body.sso_required } });
      return result.claimed;
    });
    return c.json(domainView(claimed), 201);
  });

  app.get('/organizations/:id/domains', async (c) => {
    const org = await organizationOf(deps, c);
    return c.json({ data: (await listDomains(deps.storage, org.id)).map(domainView) });
  });

  app.get('/organizations/:id/domains/:domain', async (c) => {
    const org = await organizationOf(deps, c);
    const domain = await findDomain(deps.storage, org.id, domainOf(c));
    if (!domain) throw new ProblemError('not_found', { detail: 'no such domain in this organization' });
    return c.json(domainView(domain));
  });

  app.patch('/organizations/:id/domains/:domain', async (c) => {
    const change = await readJson(c, updateDomainSchema);
    const org = await organizationOf(deps, c);
    const current = await findDomain(deps.storage, org.id, domainOf(c));
    if (!current) throw new ProblemError('not_found', { detail: 'no such domain in this organization' });
    const verifiedAt = change.verified === undefined ? current.verifiedAt : change.verified ? (current.verifiedAt ?? deps.clock()) : null;
    // Unverifying a domain ends its "SSO required" unless the same request keeps it (then it is refused).
    const ssoRequired = change.sso_required ?? (verifiedAt === null ? false : current.ssoRequired);
    if (ssoRequired && verifiedAt === null) throw new ProblemError('invalid_request', { errors: [{ path: 'sso_required', message: 'only a verified domain can require SSO' }] });
    const updated = await deps.storage.transaction(async (tx) => {
      const after = await updateDomain(tx, org.id, current.domain, { verifiedAt, ssoRequired });
      if (!after) throw new ProblemError('not_found', { detail: 'no such domain in this organization' });
      const target = { type: 'domain', id: after.domain };
      if (current.verifiedAt === null && after.verifiedAt !== null) {
        await auditAdmin(deps, c, tx, org.id, { type: 'domain.verified', target, data: { method: 'admin', sso_required: after.ssoRequired } });
      } else if ((current.verifiedAt === null) !== (after.verifiedAt === null) || current.ssoRequired !== after.ssoRequired) {
        const state = (d: DomainRecord) => ({ verified: d.verifiedAt !== null, sso_required: d.ssoRequired });
        await auditAdmin(deps, c, tx, org.id, { type: 'domain.updated', target, data: { from: state(current), to: state(after) } });
      }
      return after;
    });
    return c.json(domainView(updated));
  });

  app.delete('/organizations/:id/domains/:domain', async (c) => {
    const org = await organizationOf(deps, c);
    const domain = domainOf(c);
    await deps.storage.transaction(async (tx) => {
      if (!(await deleteDomain(tx, org.id, domain))) throw new ProblemError('not_found', { detail: 'no such domain in this organization' });
      await auditAdmin(deps, c, tx, org.id, { type: 'domain.removed', target: { type: 'domain', id: domain } });
    });
    return c.body(null, 204);
  });

  // Connections

  app.post('/organizations/:id/connections', async (c) => {
    const body = await readJson(c, createConnectionSchema, { documents: SAML_DOCUMENTS });
    const org = await organizationOf(deps, c);
    const written = (tx: Db, created: ConnectionRecord) => auditAdmin(deps, c, tx, org.id, { type: 'connection.created', ...connectionEvent(created) });
    const connection = body.type === 'saml' ? await createSamlConnection(deps, org, body, written) : await createOidcConnection(deps, org, body, written);
    return c.json(connectionView(deps, connection), 201);
  });

  app.get('/organizations/:id/connections', async (c) => {
    const org = await organizationOf(deps, c);
    return c.json({ data: (await listConnections(deps.storage, org.id)).map((connection) => connectionView(deps, connection)) });
  });

  app.get('/organizations/:id/connections/:cid', async (c) => {
    const org = await organizationOf(deps, c);
    return c.json(connectionView(deps, await connectionOf(deps, org, c)));
  });

  app.patch('/organizations/:id/connections/:cid', async (c) => {
    const org = await organizationOf(deps, c);
    const existing = await connectionOf(deps, org, c);
    const written = (tx: Db, after: ConnectionRecord) => auditAdmin(deps, c, tx, org.id, { type: 'connection.updated', ...connectionEvent(after) });
    const updated =
      existing.type === 'saml'
        ? await updateSamlConnection(deps, existing, await readJson(c, updateSamlConnectionSchema, { documents: SAML_DOCUMENTS }), written)
        : await updateOidcConnection(deps, existing, await readJson(c, updateConnectionSchema), written);
    if (!updated) throw new ProblemError('not_found', { detail: 'no such connection in this organization' });
    return c.json(connectionView(deps, updated));
  });

  // What a connection refused, newest first: the reason behind the reference a user was shown.
  app.get('/organizations/:id/connections/:cid/rejections', async (c) => {
    const org = await organizationOf(deps, c);
    const connection = await connectionOf(deps, org, c);
    const rows = await listConnectionRejections(deps.storage, connection.id, 100);
    return c.json({ data: rows.map((r) => ({ reference: r.reference, reason: r.reason, detail: r.detail, created_at: iso(r.createdAt) })) });
  });

  // "Test connection": a URL the admin opens to sign in at the IdP; the ACS reports instead of signing in.
  app.post('/organizations/:id/connections/:cid/tests', async (c) => {
    const org = await organizationOf(deps, c);
    const connection = await connectionOf(deps, org, c);
    if (connection.type !== 'saml') throw new ProblemError('unsupported_connection_type', { detail: 'connection tests are for SAML connections' });
    const test = await startConnectionTest(deps, connection);
    return c.json({ id: test.id, status: 'pending', url: test.url, expires_at: iso(test.expiresAt) }, 201);
  });

  app.get('/organizations/:id/connections/:cid/tests/:tid', async (c) => {
    const org = await organizationOf(deps, c);
    const connection = await connectionOf(deps, org, c);
    const test = await findConnectionTest(deps.storage, connection.id, c.req.param('tid'), deps.clock());
    if (!test) throw new ProblemError('not_found', { detail: 'no such connection test (reports are kept a day)' });
    return c.json({ id: test.id, status: test.status, created_at: iso(test.createdAt), finished_at: test.finishedAt ? iso(test.finishedAt) : null, report: test.report });
  });

  app.delete('/organizations/:id/connections/:cid', async (c) => {
    const org = await organizationOf(deps, c);
    const existing = await connectionOf(deps, org, c);
    await deps.storage.transaction(async (tx) => {
      if (!(await deleteConnection(tx, org.id, existing.id))) throw new ProblemError('not_found', { detail: 'no such connection in this organization' });
      await auditAdmin(deps, c, tx, org.id, { type: 'connection.deleted', ...connectionEvent(existing) });
    });
    return c.body(null, 204);
  });

  // Memberships

  app.get('/organizations/:id/memberships', async (c) => {
    const { limit, after } = readQuery(c, pageQuerySchema);
    const org = await organizationOf(deps, c);
    const rows = await listMembers(deps.storage, org.id, { after, limit: limit + 1 });
    return c.json(page(rows, limit, (member) => member.userId, memberView));
  });

  app.put('/organizations/:id/memberships/:userId', async (c) => {
    const { role } = await readJson(c, putMembershipSchema);
    const org = await organizationOf(deps, c);
    const membership = await setMembershipRole(deps.storage, { orgId: org.id, userId: c.req.param('userId'), role, createdAt: deps.clock() });
    if (!membership) throw new ProblemError('not_found', { detail: 'no such user' });
    return c.json(memberView(membership));
  });

  app.delete('/organizations/:id/memberships/:userId', async (c) => {
    const org = await organizationOf(deps, c);
    if (!(await deleteMembership(deps.storage, org.id, c.req.param('userId')))) throw new ProblemError('not_found', { detail: 'no such membership' });
    return c.body(null, 204);
  });

  // Users (operator user management, ./users.ts)

  app.get('/users', async (c) => {
    const { limit, after, email } = readQuery(c, userListQuerySchema);
    const rows = await listAdminUsers(deps.storage, { after, limit: limit + 1, email });
    return c.json(page(rows, limit, (user) => user.id, adminUserView));
  });

  app.get('/users/:userId', async (c) => c.json(adminUserView(await adminUser(deps, c.req.param('userId')))));

  app.post('/users/:userId/suspend', async (c) => {
    const { user, revokedSessions } = await suspendUser(deps, c.req.param('userId'), adminActor(deps, c));
    return c.json({ ...adminUserView(user), revoked_sessions: revokedSessions });
  });

  app.post('/users/:userId/unsuspend', async (c) => c.json(adminUserView(await unsuspendUser(deps, c.req.param('userId'), adminActor(deps, c)))));

  app.delete('/users/:userId', async (c) => {
    await deleteUser(deps, c.req.param('userId'), adminActor(deps, c));
    return c.body(null, 204);
  });

  app.get('/users/:userId/export', async (c) => {
    const id = c.req.param('userId');
    const document = await exportUser(deps, id, adminActor(deps, c));
    c.header('content-disposition', `attachment; filename="user-${id.replace(/[^\w-]/g, '_')}.json"`);
    return c.json(document);
  });

  // Anything else under /admin/v1 ends here (after the guard), not in the browser middleware behind.
  app.all('*', (c) => problemResponse(c, 'not_found'));
  return app;
}
