import { createClient, LatchkeyError, type LatchkeyClient, type SignInMethod, type SocialProvider } from '@latchkey/client';
import { expect, vi } from 'vitest';
import { FAKE_ENROLL_CODE, FakeBroker } from '@latchkey/testing';
import { ADMIN_TOKEN, adminCall } from './admin.js';
import type { SocialProviderConfig } from '../config.js';
import { githubProvider } from '../modules/oauth/oauth.fixtures.js';
import { startFakeIdp, type FakeIdp } from './fake-idp.js';
import { APP_ORIGIN, BROKER_URL, openTestStorage, testBroker, testClock } from './harness.js';
import { appCode, enrolApp } from '../modules/mfa/mfa.fixtures.js';

/**
 * The contract suite's two brokers behind one `Subject`: the in-memory `FakeBroker`
 * that element tests and stories run on, and the real broker in-process on PGlite.
 * Each `*.contract.test.ts` writes its scenarios once against `LatchkeyClient` and
 * runs them on both (`describe.each<Kind>(['fake', 'real'])`); where the two
 * disagree, the fake is wrong (the broker is the truth).
 */

export const PASSWORD = 'correct horse battery staple';
export const NEW_PASSWORD = 'a brand new battery staple';
export const ALICE = 'alice@example.com';
export const STRANGER = 'nobody@example.com';

export interface Setup {
  /** Accounts that exist before the scenario starts (all with PASSWORD). */
  accounts?: string[];
  methods?: SignInMethod[];
  /** Social providers of the public configuration, in order. */
  social?: SocialProvider[];
  /** Email domain -> organization whose IdP signs that domain in (home-realm discovery). */
  ssoDomains?: Record<string, string>;
  /** Of `ssoDomains`, those that require SSO. */
  ssoRequired?: string[];
  /** The broker's `session.idleTimeoutSeconds` (default: none). */
  idleTimeoutSeconds?: number;
  /** Of `accounts`, those with an authenticator app (and so recovery codes). */
  totp?: string[];
  /** Of `accounts`, members of an organization that requires MFA: email -> its name. */
  mfaRequiredBy?: Record<string, string>;
  /** A passkey RP ID (the broker's `passkeys.rpId`): passkeys on as a second factor even where `methods` leaves them out. */
  rpId?: string;
  /**
   * Organizations an admin made before the scenario (issue 24): name -> its members
   * (email of one of `accounts` -> role) and its domains, verified by the admin.
   */
  orgs?: Record<string, { members: Record<string, string>; domains?: string[] }>;
}

export interface Subject {
  client: LatchkeyClient;
  /** The broker's public URL (a token's `iss`). */
  url: string;
  /** `METHOD /path` of every request the client sent, in order. */
  requests: string[];
  /** The newest code mailed to `email`, read as each broker's own tests read it. */
  lastCode(email: string): Promise<string>;
  /** Mail sent to `email`, newest first: the code it carries, or null (a notice). */
  inbox(email: string): Promise<Array<{ code: string | null }>>;
  /** Moves the broker's clock on (the fake reads Date, the broker its hand-moved test clock). */
  advance(ms: number): void;
  /** One raw call as the client's browser (its cookies), for routes without a client function yet. */
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /**
   * The browser's trip to the IdP of an `sso-redirect` `url` and back: the real
   * broker's redirect is authorized by an in-process fake IdP (as `cy@devhub.test`)
   * and its callback visited; the fake stands in for both (its `nextResume`).
   * Answers the callback's `Location`.
   */
  returnFromIdp(url: string): Promise<string>;
  /** What the authenticator app of `email` (`Setup.totp`) shows now, and its unused recovery codes. */
  secondFactor(email: string): { code: string; recoveryCodes: string[] };
  /** What an authenticator app set up with `secret` (an `mfa-enroll` step's key) shows now. */
  enrollCode(secret: string): string;
  /** The code an authenticator app given `secret` (an enrolment's) shows now for `email`. */
  appCode(email: string, secret: string): string;
  /** The id of an organization of `Setup.orgs`. */
  orgId(name: string): string;
  /** The token of the newest invitation mailed to `email` (its link's `lk_invitation`). */
  invitationToken(email: string): Promise<string>;
  close(): Promise<void>;
}

/** The real broker's configuration of each social button the contract uses, on the in-process fake IdP. */
export const realSocial = (idp: FakeIdp): Record<string, SocialProviderConfig> => ({
  devhub: { ...githubProvider(idp), name: 'DevHub' } as SocialProviderConfig,
  google: { id: 'google', preset: 'google', issuer: idp.issuer, client_id: idp.clientId, client_secret: 'shh' } as SocialProviderConfig,
});

/** Keeps the cookies `response` sets in `jar`, and drops those it expires, as a browser does. */
export function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    if (/max-age=0/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/** Calls `fetch` as the client would, answering status and parsed body. */
export async function rawCall(fetch: typeof globalThis.fetch, base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export type Kind = 'fake' | 'real';

export async function makeSubject(kind: Kind, setup: Setup = {}): Promise<Subject> {
  const methods = setup.methods ?? ['password', 'email-code'];
  if (kind === 'fake') {
    const appCodes = Object.fromEntries((setup.totp ?? []).map((email) => [email, '314159']));
    const recoveryCodes = Object.fromEntries((setup.totp ?? []).map((email) => [email, ['k7m2p-q9x4t', 'w3n8c-r6v2h']]));
    const fake = new FakeBroker({
      accounts: Object.fromEntries((setup.accounts ?? []).map((email) => [email, PASSWORD])),
      methods,
      origin: APP_ORIGIN,
      social: setup.social,
      ssoDomains: setup.ssoDomains,
      ssoRequired: setup.ssoRequired,
      totp: appCodes,
      recoveryCodes,
      mfaRequiredBy: setup.mfaRequiredBy,
      rpId: setup.rpId,
      idleTimeoutSeconds: setup.idleTimeoutSeconds,
    });
    const orgNames = Object.keys(setup.orgs ?? {});
    const orgIds = fake.orgs.seed({
      organizations: Object.entries(setup.orgs ?? {}).map(([name, org]) => ({
        name,
        members: Object.fromEntries(Object.entries(org.members).map(([email, role]) => [email, { role, source: 'admin' as const }])),
        domains: (org.domains ?? []).map((domain) => ({ domain, verification: 'admin' as const })),
      })),
    });
    return {
      client: fake.client(),
      url: fake.url,
      requests: fake.requests,
      lastCode: async (email) => fake.lastCode(email),
      inbox: async (email) => fake.mail.filter((m) => m.to === email).map((m) => ({ code: m.code })).reverse(),
      advance(ms) {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + ms);
      },
      raw: (method, path, body) => rawCall(fake.fetch, fake.url, method, path, body),
      returnFromIdp: async () => `${APP_ORIGIN}/sign-in?lk_resume=1`,
      secondFactor: (email) => ({ code: appCodes[email]!, recoveryCodes: recoveryCodes[email]! }),
      enrollCode: () => FAKE_ENROLL_CODE,
      appCode: (email) => fake.appCode(email),
      orgId: (name) => orgIds[orgNames.indexOf(name)]!,
      invitationToken: async (email) => fake.orgs.invitationToken(email),
      close: async () => void vi.useRealTimers(),
    };
  }

  const storage = await openTestStorage('pglite');
  // Its clock starts at the client's now: the session store times its token cache by Date.now().
  const clock = testClock(Date.now());
  // Social buttons sign in through an in-process IdP on an ephemeral port, as `cy@devhub.test`.
  const idp = setup.social || setup.ssoDomains ? await startFakeIdp({ clock: clock.now }) : undefined;
  if (idp) {
    idp.state.user = { sub: 'cy-1', email: 'cy@devhub.test', email_verified: true, name: 'Cy' };
    idp.state.githubEmails = [{ email: 'cy@devhub.test', primary: true, verified: true }];
  }
  const configured = idp ? realSocial(idp) : {};
  const social = (setup.social ?? []).map((p) => configured[p.id]!);
  const broker = testBroker(storage, { signIn: { methods }, clock, social, adminToken: ADMIN_TOKEN,
    ...(setup.rpId ? { passkeys: { rpId: setup.rpId } } : {}),
    ...(setup.idleTimeoutSeconds ? { session: { idleTimeoutSeconds: setup.idleTimeoutSeconds } } : {}),
  });
  // Accounts are made by another browser (the harness's own jar), so the client starts signed out.
  const apps = new Map<string, { secret: string; recoveryCodes: string[] }>();
  for (const email of setup.accounts ?? []) {
    await broker.signUp(email, PASSWORD);
    // Enrolled in the account's own (signed-up) session, as the account page does.
    if (setup.totp?.includes(email)) apps.set(email, await enrolApp(broker));
  }
  // Each SSO domain's organization (after the accounts: a domain that requires SSO refuses sign-ups), as an admin makes it: the domain verified, an OIDC connection to the fake IdP.
  for (const [domain, name] of Object.entries(setup.ssoDomains ?? {})) {
    const org = (await adminCall(broker, 'POST', '/organizations', { name })).body;
    await adminCall(broker, 'POST', `/organizations/${org.id}/domains`, { domain, sso_required: setup.ssoRequired?.includes(domain) ?? false });
    await adminCall(broker, 'POST', `/organizations/${org.id}/connections`, { type: 'oidc', issuer: idp!.issuer, client_id: idp!.clientId, client_secret: 'org-client-secret-0123456789' });
  }

  // Each organization requiring MFA, as an admin makes it, and its members.
  const mfaOrgs = new Map<string, string>();
  for (const [email, name] of Object.entries(setup.mfaRequiredBy ?? {})) {
    if (!mfaOrgs.has(name)) mfaOrgs.set(name, (await adminCall(broker, 'POST', '/organizations', { name, require_mfa: true })).body.id);
    const [user] = await storage.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]);
    await adminCall(broker, 'PUT', `/organizations/${mfaOrgs.get(name)}/memberships/${user!.id}`, { role: 'member' });
  }

  // Each organization of the setup, as an admin makes it: its members (their accounts made above) and verified domains.
  const orgIds = new Map<string, string>();
  for (const [name, org] of Object.entries(setup.orgs ?? {})) {
    const made = await adminCall(broker, 'POST', '/organizations', { name });
    if (made.status !== 201) throw new Error(`create organization: ${JSON.stringify(made.body)}`);
    orgIds.set(name, made.body.id);
    for (const [email, role] of Object.entries(org.members)) {
      const [user] = await storage.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]);
      await adminCall(broker, 'PUT', `/organizations/${made.body.id}/memberships/${user!.id}`, { role });
    }
    for (const domain of org.domains ?? []) await adminCall(broker, 'POST', `/organizations/${made.body.id}/domains`, { domain, verified: true });
  }

  // The client's fetch, answered by the app in-process as a browser on APP_ORIGIN would be.
  const cookies = new Map<string, string>();
  const requests: string[] = [];
  const env = { incoming: { socket: { remoteAddress: '203.0.113.10' } } };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const headers = new Headers(init?.headers);
    headers.set('origin', APP_ORIGIN);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await broker.app.request(`${url.pathname}${url.search}`, { method: init?.method ?? 'GET', headers, body: init?.body ?? null, signal: init?.signal ?? null }, env);
    keepCookies(cookies, response);
    return response;
  };

  return {
    client: createClient({ url: BROKER_URL, fetch }),
    url: BROKER_URL,
    requests,
    lastCode: (email) => broker.lastCode(email),
    inbox: async (email) => (await broker.outbox(email)).map((m) => ({ code: /\b(\d{6})\b/.exec(m.text)?.[1] ?? null })),
    advance: (ms) => broker.clock.advance(ms),
    raw: (method, path, body) => rawCall(fetch, BROKER_URL, method, path, body),
    async returnFromIdp(url) {
      const response = await fetch(`${BROKER_URL}${idp!.authorize(url)}`);
      return response.headers.get('location') ?? '';
    },
    secondFactor(email) {
      const app = apps.get(email)!;
      return { code: appCode(broker, app.secret), recoveryCodes: app.recoveryCodes };
    },
    enrollCode: (secret) => appCode(broker, secret),
    appCode: (_email, secret) => appCode(broker, secret),
    orgId: (name) => orgIds.get(name)!,
    async invitationToken(email) {
      const mail = await broker.outbox(email);
      const token = mail.map((m) => /lk_invitation=([^&\s"<>]+)/.exec(m.text)?.[1]).find(Boolean);
      if (!token) throw new Error(`no invitation mailed to ${email}`);
      return decodeURIComponent(token);
    },
    async close() {
      await broker.deps.mail.settled();
      await storage.drop();
      await idp?.close();
    },
  };
}

/** The problem a call rejected with: a LatchkeyError carrying the broker's problem. */
export async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

export const keys = (value: object) => Object.keys(value).sort();
export const isoDate = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
export const EMAIL_CODE_KEYS = ['attempts_left', 'email', 'expires_at', 'flow_id', 'methods', 'purpose', 'resend_after', 'step'];
export const DONE_KEYS = ['return_to', 'session', 'step', 'user'];

/** The factor each `amr` of a one-factor session comes from, and its assurance level. */
export const FACTOR_OF: Record<string, { method: string; aal: 1 | 2 }> = { pwd: { method: 'pwd', aal: 1 }, email: { method: 'email_code', aal: 1 } };

export function expectDone(step: unknown, email: string, amr: string[]) {
  const { method, aal } = FACTOR_OF[amr[0]!]!;
  expect(keys(step as object)).toEqual(DONE_KEYS);
  expect(step).toMatchObject({
    step: 'done',
    return_to: null,
    user: { id: expect.any(String), email, email_verified: true, name: null, created_at: isoDate },
    session: { id: expect.any(String), amr, factors: [{ method, at: isoDate }], aal, org_id: null, created_at: isoDate, expires_at: isoDate },
  });
}

/** Six digits that are not `code`. */
export const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

/** A compact JWT's header and payload, decoded without verifying (as a client can see them). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  const part = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: part(parts[0]!), payload: part(parts[1]!) };
}

export const TOKEN_CLAIMS = ['aal', 'amr', 'aud', 'exp', 'iat', 'iss', 'jti', 'org_id', 'org_permissions', 'org_role', 'sid', 'sub'];

