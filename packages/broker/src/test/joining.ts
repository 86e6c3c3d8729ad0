import { randomId, randomSecret } from '../random.js';
import { sessionCookie } from '../modules/sessions/cookie.js';
import { hashSecret } from '../modules/sessions/sessions.js';
import { insertSession, insertUser } from '../storage/queries/index.js';
import type { TestBroker } from './harness.js';

/**
 * Fixtures of the joining tests (modules/orgs/joining): people, organizations,
 * domains and roles written straight to the database, so a test of fifty
 * joiners does not first sign fifty people up through the mail. Only the
 * routes under test go through HTTP.
 */

let nextIp = 1;

/**
 * A signed-in person in a browser of their own (own cookie jar, own address):
 * an account for `email`, verified unless `verified: false`, with a live
 * session made just now by a password (a recent sign-in for step-up).
 */
export async function person(b: TestBroker, email: string, options: { verified?: boolean; name?: string } = {}) {
  const now = b.clock.now();
  const user = await insertUser(b.deps.storage, {
    id: randomId('usr'),
    email,
    emailVerifiedAt: options.verified === false ? null : now,
    passwordHash: null,
    name: options.name ?? null,
    createdAt: now,
  });
  const secret = randomSecret();
  await insertSession(b.deps.storage, {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    factors: [{ method: 'pwd', at: now.toISOString() }],
    amr: ['pwd'],
    orgId: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    ip: null,
    userAgent: null,
  });
  const n = nextIp++;
  const browser = b.browser({ ip: `198.51.${100 + Math.floor(n / 250)}.${(n % 250) + 1}` });
  browser.cookies.set(sessionCookie(b.deps.config).name, secret);
  return Object.assign(browser, { userId: user.id, email });
}

export type Person = Awaited<ReturnType<typeof person>>;

/** An organization with `owner` as its owner (as creating it makes them). */
export async function organization(b: TestBroker, name: string, owner: { userId: string }) {
  const id = randomId('org');
  const now = b.clock.now();
  await b.deps.storage.query(`INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`, [id, name, id.toLowerCase(), now]);
  await addMember(b, id, owner.userId, 'owner', 'created');
  return id;
}

export async function addMember(b: TestBroker, orgId: string, userId: string, role: string, source = 'admin') {
  await b.deps.storage.query(`INSERT INTO memberships (org_id, user_id, role, created_at, source) VALUES ($1, $2, $3, $4, $5)`, [orgId, userId, role, b.clock.now(), source]);
}

export async function customRole(b: TestBroker, orgId: string, key: string, permissions: string[]) {
  const now = b.clock.now();
  await b.deps.storage.query(`INSERT INTO org_roles (org_id, key, name, permissions, created_at, updated_at) VALUES ($1, $2, $2, $3, $4, $4)`, [orgId, key, permissions, now]);
}

/** A domain of the organization, as the domain routes or the admin API would leave it. */
export async function orgDomain(
  b: TestBroker,
  orgId: string,
  domain: string,
  options: { verification: 'dns' | 'admin' | null; enrollment: 'manual' | 'request' | 'automatic' },
) {
  const now = b.clock.now();
  await b.deps.storage.query(
    `INSERT INTO organization_domains (domain, org_id, verified_at, sso_required, created_at, verification, enrollment) VALUES ($1, $2, $3, false, $4, $5, $6)`,
    [domain, orgId, options.verification ? now : null, now, options.verification, options.enrollment],
  );
}

/** The organization's audit events, oldest first (null: the events of no organization). */
export async function auditEvents(b: TestBroker, orgId: string | null) {
  return b.deps.storage.query<{ type: string; actor_id: string | null; target_id: string | null; data: Record<string, unknown>; ip: string | null }>(
    `SELECT type, actor_id, target_id, data, ip FROM audit_events WHERE org_id IS NOT DISTINCT FROM $1 ORDER BY seq`,
    [orgId],
  );
}

/** The membership of `userId` in `orgId` (role and source), or undefined. */
export async function membershipOf(b: TestBroker, orgId: string, userId: string) {
  return (await b.deps.storage.query<{ role: string; source: string }>(`SELECT role, source FROM memberships WHERE org_id = $1 AND user_id = $2`, [orgId, userId]))[0];
}

/** The token in the newest mail to `to` with `param` in its link. */
export async function mailedToken(b: TestBroker, to: string, param = 'lk_invitation'): Promise<string> {
  const text = (await b.outbox(to))[0]?.text ?? '';
  const token = new RegExp(`[?&]${param}=([\\w-]+)`).exec(text)?.[1];
  if (!token) throw new Error(`no ${param} mailed to ${to}`);
  return token;
}

/** The token of an invite link's URL. */
export const linkToken = (url: string) => new URL(url).searchParams.get('lk_invite')!;
