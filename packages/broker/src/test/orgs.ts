import { hashSecret } from '../modules/sessions/sessions.js';
import { sessionCookie } from '../modules/sessions/cookie.js';
import type { Factor } from '../modules/sign-in/factors.js';
import { randomId, randomSecret } from '../random.js';
import { insertSession, insertUser } from '../storage/queries/index.js';
import type { TestBroker } from './harness.js';

/**
 * Fixtures of the organization suites. Members are made straight in the
 * database (a user and a live session whose cookie the browser holds): the
 * organization routes read only the session, and a suite needs dozens of
 * members (50 owners leaving at once) that signing up one by one would make slow.
 */

let addresses = 0;

export type MemberBrowser = Awaited<ReturnType<typeof memberBrowser>>;

/**
 * A signed-in user `email` in a browser of its own (own cookies and address).
 * Their session's factors: a password proven now (recent enough for any
 * change), unless `factors` says otherwise.
 */
export async function memberBrowser(b: TestBroker, email: string, options: { factors?: Factor[]; userAgent?: string; ip?: string } = {}) {
  const now = b.clock.now();
  const user = await insertUser(b.deps.storage, { id: randomId('usr'), email, emailVerifiedAt: now, passwordHash: null, name: null, createdAt: now });
  const secret = randomSecret();
  const ip = options.ip ?? `198.51.100.${(addresses++ % 200) + 20}`;
  await insertSession(b.deps.storage, {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    factors: options.factors ?? [{ method: 'pwd', at: now.toISOString() }],
    amr: ['pwd'],
    orgId: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    ip,
    userAgent: options.userAgent ?? null,
  });
  const browser = b.browser({ ip });
  browser.cookies.set(sessionCookie(b.deps.config).name, secret);
  const headers: Record<string, string> = options.userAgent ? { 'user-agent': options.userAgent } : {};
  const send = (method: string, path: string, json?: unknown) => browser.call(method, path, json === undefined ? { headers } : { json, headers });
  return Object.assign(browser, {
    userId: user.id,
    email,
    send,
    patch: (path: string, json: unknown) => send('PATCH', path, json),
    put: (path: string, json: unknown) => send('PUT', path, json),
    del: (path: string) => send('DELETE', path),
    read: (path: string) => send('GET', path),
    create: (path: string, json: unknown = {}) => send('POST', path, json),
  });
}

/** An organization `owner` creates through the API (they are its owner). */
export async function createOrg(owner: MemberBrowser, name: string, slug?: string): Promise<{ id: string; slug: string }> {
  const created = await owner.create('/v1/orgs', slug === undefined ? { name } : { name, slug });
  if (created.status !== 201) throw new Error(`create organization: ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Makes `user` a member of `orgId` with `role` directly (as a joining path would). */
export async function addMember(b: TestBroker, orgId: string, user: { userId: string }, role: string) {
  await b.deps.storage.query(`INSERT INTO memberships (org_id, user_id, role, created_at, source) VALUES ($1, $2, $3, $4, 'invitation')`, [orgId, user.userId, role, b.clock.now()]);
}

/** What the organization routes may change, counted and read back: a refused call leaves it equal. */
export async function orgState(b: TestBroker) {
  const rows = async (sql: string) => JSON.stringify(await b.deps.storage.query(sql));
  return {
    organizations: await rows(`SELECT id, name, slug, require_mfa, require_passkey, require_sso, policy_grace_days, policy_grace_until FROM organizations ORDER BY id`),
    memberships: await rows(`SELECT org_id, user_id, role FROM memberships ORDER BY org_id, user_id`),
    roles: await rows(`SELECT org_id, key, name, permissions FROM org_roles ORDER BY org_id, key`),
    domains: await rows(`SELECT domain, org_id, verified_at, verification, enrollment, sso_required FROM organization_domains ORDER BY domain`),
    events: await rows(`SELECT id FROM audit_events ORDER BY seq`),
  };
}

/** The audit events of `orgId` as stored, oldest first. */
export async function storedEvents(b: TestBroker, orgId: string) {
  return b.deps.storage.query<{ type: string; actor_id: string | null; actor_email: string | null; ip: string | null; user_agent: string | null; target_id: string | null; data: Record<string, unknown> }>(
    `SELECT type, actor_id, actor_email, ip, user_agent, target_id, data FROM audit_events WHERE org_id = $1 ORDER BY seq`,
    [orgId],
  );
}

/** A DNS the test writes: `records` maps a name to its TXT records. */
export function fakeDns() {
  const records = new Map<string, string[][]>();
  const lookups: string[] = [];
  const resolveTxt = async (name: string) => {
    lookups.push(name);
    const found = records.get(name);
    if (!found) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { records, lookups, resolveTxt };
}
