import {
  createClient,
  PASSKEY_NAME_MAX_LENGTH,
  type EmailCodeStep,
  type IdpErrorReason,
  type LatchkeyClient,
  type MfaMethod,
  type MfaEnrollStep,
  type MfaStatus,
  type MfaStep,
  type RecoveryCodes,
  type TotpConfirmation,
  type TotpEnrollment,
  type TotpFactor,
  type ConnectedAccount,
  type Passkey,
  type PasskeyRegistrationStep,
  type PasskeyReview,
  type PasskeyReviewRemoval,
  type PasskeyStep,
  type PasskeyTransport,
  type ActiveSession,
  type ProblemCode,
  type SignInMethod,
  type SocialProvider,
  type Step,
  type StepUpChallenge,
  type StepUpMethod,
} from '@latchkey/client';
import { base64url, fromBase64url, randomBase64url } from './base64url.js';
import type { FakeCredential } from './fake-authenticator.js';
import { weakPasswordError, weakPasswordReason } from './weak-password.js';
import { FakeProblem, problem } from './fake-problem.js';
import { FakeOrgs, type FakeOrgAccount, type FakeOrgsViewer } from './fake-orgs.js';

/**
 * How a `FakeBroker` starts: its accounts and what they hold (passkeys, an authenticator
 * app, connected accounts, sessions elsewhere), who is signed in, the sign-in methods and
 * providers it offers, and how slowly it answers. Every field is optional: `{}` is a broker
 * with no accounts that offers password and email-code sign-in.
 */
export interface FakeBrokerOptions {
  /** Milliseconds each answer waits (to see loading states); `broker.latency` changes it later. */
  latency?: number;
  /** Accounts that exist from the start: email -> password, or null for an account without one (passkeys only). */
  accounts?: Record<string, string | null>;
  /**
   * Passkeys of those accounts from the start: email -> passkeys. The fake
   * authenticator signs in with them when given `credentialsFor(email)`.
   */
  passkeys?: Record<string, FakePasskeySeed[]>;
  /** Milliseconds the browser gets for a passkey ceremony (the options' `timeout`; default 300 000, as WebAuthn recommends). */
  passkeyTimeout?: number;
  /** Epoch milliseconds now, for the dates stamped on passkeys (created, last used); default `Date.now`. A story fixes it so its snapshot does not change by the day. */
  clock?: () => number;
  /** Someone signed in from the start. */
  signedInAs?: string;
  /**
   * Epoch ms when `signedInAs` signed in (default: when the fake was made). Set it more
   * than ten minutes back and every sensitive change asks for a step-up first.
   */
  signedInAt?: number;
  /**
   * How addresses may sign in, first method first (default password, then
   * email code). `identify` answers with the first: an `email-code` first
   * broker mails the code straight away. `passkey` turns passkeys on, as on
   * the broker: it is listed in the steps' `methods`, and without it every
   * passkey route (and a sign-up without a password) is `invalid_request`.
   */
  methods?: SignInMethod[];
  /** Connected accounts from the start: email -> accounts (the email must be in `accounts`). */
  identities?: Record<string, FakeIdentitySeed[]>;
  /**
   * The host page's origin: the `aud` of minted tokens, as the broker mints for a
   * page origin it serves (default: this page's origin, else the fake's own URL).
   */
  origin?: string;
  /**
   * Social providers configured, in button order (default none): the buttons of `GET /v1/config`,
   * and what `/v1/identities` lists as available to connect.
   */
  social?: SocialProvider[];
  /**
   * Email domains whose organization signs in through its own IdP: domain -> the
   * organization's name. `identify` answers an address of one with `sso-redirect`
   * (home-realm discovery), whether or not the account exists.
   */
  ssoDomains?: Record<string, string>;
  /**
   * Of `ssoDomains`, those that require SSO: password, email-code, reset and sign-up
   * answer 403 `sso_required` for their addresses, with or without an account.
   */
  ssoRequired?: string[];
  /**
   * Accounts with an authenticator app (TOTP): email -> the six digits it shows now. A
   * password, a mailed code or a social sign-in of such an account answers the `mfa`
   * step instead of `done`. As on the broker, a code is taken once: `showTotp` gives the
   * app its next one.
   */
  totp?: Record<string, string>;
  /** Recovery codes of accounts (`xxxxx-xxxxx`): email -> codes, each taken once. An account with some is asked for a second factor too. */
  recoveryCodes?: Record<string, string[]>;
  /**
   * Accounts that are members of an organization requiring MFA: email -> its name. Such an
   * account without a second factor answers every first factor with `mfa-enroll` (see
   * "Organization MFA" below); the app it sets up shows `FAKE_ENROLL_CODE`.
   */
  mfaRequiredBy?: Record<string, string>;
  /**
   * An RP ID configured (the broker's `passkeys.rpId`): passkeys work from the account page
   * and as a second factor even where `methods` leaves them out of sign-in (default: the page's host).
   */
  rpId?: string;
  /** Live sessions of accounts in other browsers from the start (the account page's "Active sessions"): email -> sessions. */
  sessions?: Record<string, FakeSessionSeed[]>;
  /**
   * The broker's `session.idleTimeoutSeconds` (default 0: none): a session unused this
   * long (by `Date`) ends as a signed-out one, and is no longer listed. Every session
   * route (`/v1/session…`) counts as use; the broker records use at most every 5 minutes.
   */
  idleTimeoutSeconds?: number;
}

/** A session an account has in another browser from the start. */
export interface FakeSessionSeed {
  browser?: string | null;
  device?: string | null;
  ip?: string | null;
  /** ISO 8601 (default 2026-11-24T12:00:00.000Z). */
  createdAt?: string;
  /** ISO 8601 (default: `createdAt`). */
  lastSeenAt?: string;
}

/** What `GET /v1/sign-in/flow` answers next: a step, or `{ doneAs }` to come back signed in as that address (made if new). */
export type FakeResume = Step | { doneAs: string; provider?: string };

/** A passkey an account has from the start. */
export interface FakePasskeySeed {
  /** Its friendly name ("Work laptop"). */
  name: string;
  /** ISO 8601 (default 2026-11-24T12:00:00.000Z). */
  createdAt?: string;
  /** ISO 8601, or null (the default) for never used. */
  lastUsedAt?: string | null;
  /** Synced to a password manager or platform account (default), or bound to one device. */
  synced?: boolean;
  transports?: PasskeyTransport[];
  /** The credential id the authenticator answers with (default: random). */
  credentialId?: string;
}

/** A connected account an account has from the start. */
export interface FakeIdentitySeed {
  /** A configured provider's id. */
  provider: string;
  /** The email the provider asserted (default none). */
  email?: string | null;
  /** ISO 8601 (default 2026-11-24T12:00:00.000Z). */
  createdAt?: string;
}

/** A passkey as the fake keeps it: the wire form and the credential behind it. */
interface StoredPasskey extends Passkey {
  credentialId: string;
}

interface FakeUser {
  id: string;
  email: string;
  /** Null for an account made with a passkey and no password. */
  password: string | null;
  name: string | null;
  /** The WebAuthn user handle (`user.id` of creation options, `userHandle` of assertions), base64url. */
  handle: string;
  passkeys: StoredPasskey[];
  identities: ConnectedAccount[];
  /** What its authenticator app shows now (`options.totp`, `showTotp`) and whether that code was taken; null without an app. */
  totp: { code: string; used: boolean } | null;
  /** Unused recovery codes, normalised (`recoveryCode`). */
  recoveryCodes: string[];
  /** The organization requiring MFA it is a member of (`options.mfaRequiredBy`), if any. */
  mfaRequiredBy?: string;
}

/** A pending sign-in waiting for its second factor (the broker's `mfa` flow): single-use, attempts counted. */
interface MfaFlow {
  id: string;
  email: string;
  /** The first factor, kept until the second one passes. */
  first: Factor;
  attempts: number;
  used: boolean;
  /** An `mfa-enroll` step's pending sign-in (organization MFA), not an `mfa` step's. */
  enrol?: boolean;
}

/** The key an `mfa-enroll` step of the fake shows, and the code its app then shows. */
export const FAKE_ENROLL_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const FAKE_ENROLL_CODE = '246810';

/** A passkey ceremony: single-use, expiring, as every flow of the broker's sign-in engine. */
interface PasskeyFlow {
  id: string;
  kind: 'sign-in' | 'sign-up' | 'add' | 'step-up' | 'second-factor';
  challenge: string;
  /** Epoch ms. */
  expiresAt: number;
  used: boolean;
  /** `add`, `step-up`: the signed-in user it was started for; `second-factor`: the account whose passkeys may answer. */
  userId?: string;
  /** `step-up`: the session it proves a factor for. */
  sessionId?: string;
  /** `second-factor`: the pending sign-in (`MfaFlow`) the passkey answers. */
  mfaFlowId?: string;
  /** `sign-up`: the account to make once its passkey is in, and until when (epoch ms) a new challenge may be asked for it. */
  account?: { email: string; name: string | null; handle: string; pendingUntil: number };
}

/**
 * A password reset's review of the account's passkeys (the broker's `passkey-review`
 * flow): it removes, until it expires, only the passkeys it listed.
 */
interface ReviewFlow {
  id: string;
  userId: string;
  passkeyIds: string[];
  /** Epoch ms. */
  expiresAt: number;
}

/** How long a review stays open, as the broker's PASSKEY_REVIEW_MS. */
const REVIEW_MS = 15 * 60_000;

/** How long a proven address waits for its passkey, however often the dialog is reopened (the broker's PENDING_SIGN_UP_MS). */
const SIGN_UP_PENDING_MS = 15 * 60_000;
/** The longest passkey name the broker takes (UTF-16 code units, as its schema counts). */
/** AAGUID of an authenticator that does not say its model. */
const NO_AAGUID = '00000000-0000-0000-0000-000000000000';
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

/** Wrong codes a flow takes, as on the broker. */
const MAX_ATTEMPTS = 5;

/** How long a proven factor counts for a sensitive change, as the broker's default `stepUp.maxAgeSeconds`. */
const STEP_UP_WINDOW_MS = 600_000;

/** What a flow mails, as on the broker: a code, a notice to an account's owner, or nothing. */
type FlowMail = 'code' | 'already-registered' | 'nothing';

interface Flow {
  id: string;
  purpose: 'sign-up' | 'sign-in' | 'password-reset' | 'step-up' | 'email-change';
  /** `email-change`: the signed-in user who asked for it (only they can finish it). */
  userId?: string;
  email: string;
  /** Null for a flow that mails no code: no code redeems it. */
  code: string | null;
  /** Unset (a flow a test sets up by hand): a code when `code` is set, else nothing. */
  mails?: FlowMail;
  attempts: number;
  /** Unset for a passkey-first sign-up: verifying its code asks for a passkey instead of making the account. */
  password?: string;
  name?: string | null;
  used: boolean;
  /** Epoch ms before which a resend is refused with `rate_limited`, as on the broker (unset: resendable now). */
  resendAfter?: number;
}

/** Seconds between resends, as the broker's default `codes.resendAfterSeconds`. */
const RESEND_AFTER_MS = 30_000;

/** Seconds a session token lives, as the broker's default (and highest) `token.ttlSeconds`. */
const TOKEN_TTL_SECONDS = 300;

interface Session {
  id: string;
  userId: string;
  /** Epoch ms (by `Date`) when its first factors were proven: what the step-up window counts from. */
  openedAt: number;
  /** Epoch ms (by `Date`) of its last use: what the idle timeout counts from. */
  lastSeenAt: number;
  /** What the account page lists of it (`GET /v1/sessions`). */
  meta?: Omit<ActiveSession, 'id' | 'amr' | 'current'>;
  /** What the session was made with, in the order proven, as the broker keeps them (`amr` and `aal` derive from them). */
  factors: Factor[];
}

/** A factor a fake session is made with: a first one, then a second (TOTP or a recovery code) where the account has one. */
type Factor = ({ method: 'pwd' } | { method: 'email_code' } | { method: 'passkey'; synced: boolean } | { method: 'oauth'; provider: string } | { method: 'otp' } | { method: 'recovery_code' }) & {
  /** Epoch ms a step-up proved it (unset: when the session opened). */
  provenAt?: number;
};

/** When the fake's sessions were made, as every session of the fake says. */
const SESSION_MADE_AT = '2026-11-24T12:00:00.000Z';

/**
 * A mail the fake broker sent: a code, or null for a notice (the address already has an
 * account; a way in was added, with its `subject`; an invitation, with its `link`).
 */
export interface FakeMail {
  to: string;
  code: string | null;
  subject?: string;
  link?: string;
}

/**
 * Makes an in-memory broker (see `FakeBroker`): `createFakeBroker(options)` is
 * `new FakeBroker(options)`.
 *
 * @example
 * const broker = createFakeBroker({ accounts: { 'ada@example.com': 'correct horse battery staple' } });
 * configure({ client: broker.client() }); // from @latchkey/elements
 */
export function createFakeBroker(options: FakeBrokerOptions = {}): FakeBroker {
  return new FakeBroker(options);
}

/**
 * An in-memory broker behind a fake `fetch`, for stories, element tests and a host app's
 * own tests. The elements run the real `@latchkey/client` against it, so what they see is
 * what the broker's wire contract says: the same steps, problem codes and statuses (the
 * broker's contract suite runs every scenario on both). Scripted failures (`failNext`,
 * `stalled`), answers (`answerNext`, `nextResume`) and `latency` show every state.
 *
 * Point elements at it with its `client()`: `configure({ client: broker.client() })`,
 * `<lk-config .client=${broker.client()}>`, or an element's `.client` property.
 * Its `fetch` answers any URL by path, so a host's own code can call it too.
 */
export class FakeBroker {
  /** The URL its client is made with (a minted token's `iss`); requests to any origin are answered by path. */
  readonly url = 'https://fake-broker.latchkey.test';
  /** Accounts by email. */
  readonly users = new Map<string, FakeUser>();
  readonly flows = new Map<string, Flow>();
  readonly passkeyFlows = new Map<string, PasskeyFlow>();
  readonly reviewFlows = new Map<string, ReviewFlow>();
  readonly mfaFlows = new Map<string, MfaFlow>();
  /** Mail sent, newest last (`lastCode(email)` reads the newest code). */
  readonly mail: FakeMail[] = [];
  /**
   * The next call to this path answers with this problem instead (one shot), with the
   * broker's status; `'network'` makes the fetch reject as an unreachable broker does.
   *
   * @example
   * broker.failNext.set('/v1/sign-in/identify', 'network');
   */
  readonly failNext = new Map<string, ProblemCode | 'network'>();
  /** The next call to this path answers 200 with this body instead (one shot), e.g. a step of a newer protocol. */
  readonly answerNext = new Map<string, unknown>();
  /** Calls to these paths never answer (until aborted): one request stays loading while the others answer. */
  readonly stalled = new Set<string>();
  /** `METHOD /path` of every request, in order. */
  readonly requests: string[] = [];
  /** Milliseconds each answer waits (`options.latency`); change it at any time to slow the next answers. */
  latency: number;
  /**
   * What `GET /v1/sign-in/flow` answers, once (then 404 `no_flow`), as the broker answers
   * the flow's step after the IdP's callback. A social start sets it to `{ doneAs }` of the
   * provider's `socialAccount` unless a story set one already.
   */
  nextResume: FakeResume | undefined;
  /** Who a trip to a social provider signs in (default `cy@devhub.test`). */
  socialAccount = 'cy@devhub.test';
  private current: Session | null = null;
  /** Every session not signed out, this browser's (`current`) and those of other browsers (`options.sessions`). */
  private readonly liveSessions = new Map<string, Session>();
  private seq = 0;
  // Apart from `seq`, so sessions leave the codes stories type (and snapshot) unchanged.
  private sessionSeq = 0;
  // The same for passkeys and their ceremonies.
  private passkeySeq = 0;

  private readonly methods: SignInMethod[];
  /** The RP ID passkeys are bound to: the page's host, as the broker is configured with its host's registrable domain. */
  readonly rpId: string;
  private readonly passkeyTimeout: number;
  private readonly clock: () => number;

  /**
   * Organizations (issue 24): every `/v1/orgs`, invitation, invite-link and access-request
   * route, the switch and the token's `?org=`. Seed with `fake.orgs.seed({ organizations })`.
   */
  readonly orgs: FakeOrgs;

  constructor(private readonly options: FakeBrokerOptions = {}) {
    this.orgs = new FakeOrgs(this.orgsHost());
    this.latency = options.latency ?? 0;
    this.methods = options.methods ?? ['password', 'email-code'];
    this.passkeyTimeout = options.passkeyTimeout ?? 300_000;
    this.clock = options.clock ?? Date.now;
    this.rpId = options.rpId ?? (globalThis.location?.hostname || 'localhost');
    for (const [email, password] of Object.entries(options.accounts ?? {})) this.addUser(email, password, null);
    for (const [email, seeds] of Object.entries(options.passkeys ?? {})) {
      const user = this.users.get(email);
      if (!user) throw new Error(`fake broker: passkeys for ${email}, which is not in accounts`);
      for (const seed of seeds) {
        user.passkeys.push({
          id: `pk_${++this.passkeySeq}`,
          credentialId: seed.credentialId ?? randomBase64url(16),
          name: seed.name,
          created_at: seed.createdAt ?? '2026-11-24T12:00:00.000Z',
          last_used_at: seed.lastUsedAt ?? null,
          device_type: (seed.synced ?? true) ? 'multi-device' : 'single-device',
          backed_up: seed.synced ?? true,
          transports: seed.transports ?? ((seed.synced ?? true) ? ['hybrid', 'internal'] : ['internal']),
          aaguid: NO_AAGUID,
        });
      }
    }
    this.providers = options.social ?? [];
    for (const [email, seeds] of Object.entries(options.identities ?? {})) {
      const user = this.users.get(email);
      if (!user) throw new Error(`fake broker: identities for ${email}, which is not in accounts`);
      for (const seed of seeds) user.identities.push(this.identity(seed.provider, seed.email ?? null, seed.createdAt ?? '2026-11-24T12:00:00.000Z'));
    }
    for (const [email, code] of Object.entries(options.totp ?? {})) this.seededUser(email, 'totp').totp = { code, used: false };
    for (const [email, codes] of Object.entries(options.recoveryCodes ?? {})) this.seededUser(email, 'recovery codes').recoveryCodes = codes.map(recoveryCode);
    for (const [email, org] of Object.entries(options.mfaRequiredBy ?? {})) this.seededUser(email, 'an organization requiring MFA').mfaRequiredBy = org;
    const signedIn = options.signedInAs === undefined ? undefined : this.users.get(options.signedInAs);
    if (signedIn) this.current = this.openSession(signedIn.id, [signedIn.password === null && signedIn.passkeys[0] ? passkeyFactor(signedIn.passkeys[0]) : { method: 'pwd' }], options.signedInAt);
    this.seedSessions(options.sessions ?? {});
  }

  /** What the organizations read of accounts and of this browser's session. */
  private orgsHost() {
    const account = (user: FakeUser): FakeOrgAccount => ({
      id: user.id,
      email: user.email,
      name: user.name,
      hasSecondFactor: user.totp !== null || user.recoveryCodes.length > 0 || user.passkeys.length > 0,
      hasPasskey: user.passkeys.length > 0,
    });
    const viewer = (user: FakeUser): FakeOrgsViewer => ({ account: account(user), sessionId: this.current!.id, factors: this.current!.factors.map((f) => f.method) });
    return {
      url: this.url,
      origin: () => this.options.origin ?? globalThis.location?.origin ?? this.url,
      now: () => this.clock(),
      signedIn: () => viewer(this.signedInUser()),
      recentlySignedIn: () => viewer(this.recentlySignedInUser()),
      account: (key: string) => {
        const user = this.users.get(key) ?? [...this.users.values()].find((u) => u.id === key);
        return user && account(user);
      },
      ensureAccount: (email: string, name: string | null) => {
        const user = this.users.get(email) ?? this.addUser(email, null, name);
        if (name !== null && user.name === null) user.name = name;
        return account(user);
      },
      mint: (org: { id: string; role: string; permissions: string[] } | null) => this.mintToken(this.current!, org),
      mail: (to: string, subject: string, link: string) => void this.mail.push({ to, code: null, subject, link }),
    };
  }

  private seededUser(email: string, what: string): FakeUser {
    const user = this.users.get(email);
    if (!user) throw new Error(`fake broker: ${what} for ${email}, which is not in accounts`);
    return user;
  }

  /** A client wired to this broker, as `<lk-config>` or the `client` property takes it. */
  client(): LatchkeyClient {
    // The tab's organization in memory: stories and tests on one page never share a choice through sessionStorage.
    return createClient({ url: this.url, fetch: this.fetch, tabStorage: null });
  }

  /** The authenticator app of `email` shows `code` (the next time step): a code the broker has not taken yet. */
  showTotp(email: string, code: string): void {
    this.seededUser(email, 'a TOTP code').totp = { code, used: false };
  }

  /** The last code mailed to `email`. */
  lastCode(email: string): string {
    const code = [...this.mail].reverse().find((m) => m.to === email)?.code;
    if (!code) throw new Error(`no code mailed to ${email}`);
    return code;
  }

  /**
   * The passkeys of `email` as the fake authenticator holds them: give them to
   * `installFakeAuthenticator({ credentials })` and it signs in as that account.
   */
  credentialsFor(email: string): FakeCredential[] {
    const user = this.users.get(email);
    if (!user) throw new Error(`fake broker: no account ${email}`);
    return user.passkeys.map((p) => ({ id: p.credentialId, userHandle: user.handle, rpId: this.rpId, synced: p.device_type === 'multi-device' }));
  }

  private addUser(email: string, password: string | null, name: string | null, handle = randomBase64url(32)) {
    const user: FakeUser = { id: `usr_${++this.seq}`, email, password, name, handle, passkeys: [], identities: [], totp: null, recoveryCodes: [] };
    this.users.set(email, user);
    return user;
  }

  private openSession(userId: string, factors: Factor[], openedAt = Date.now()): Session {
    const session: Session = { id: `ses_${++this.sessionSeq}`, userId, factors, openedAt, lastSeenAt: Date.now() };
    this.liveSessions.set(session.id, session);
    return session;
  }

  /**
   * A first factor passed: `done`, or, where the account has a second factor, the `mfa`
   * step (no session yet), as the broker's engine asks after every first factor but a
   * passkey, which proves two on its own.
   */
  private firstFactorPassed(email: string, factor: Factor) {
    const user = this.users.get(email)!;
    const methods: MfaMethod[] = [...(user.totp ? (['totp'] as const) : []), ...(user.recoveryCodes.length ? (['recovery-code'] as const) : [])];
    const passkey = this.passkeysOn && user.passkeys.length > 0;
    // An organization requiring MFA (seeded, or set by its policies) asks a member without a second factor to enrol; with a passkey, for that.
    const requiredBy = user.mfaRequiredBy ?? this.orgs.requiringMfa(email);
    if (!methods.length && !requiredBy) return this.done(email, factor);
    if (!methods.length && !passkey) return this.askToEnrol(user, factor, requiredBy!);
    // Passkeys where the broker offers them and the account has one: a passkey sign-in answers the step.
    if (passkey) methods.push('passkey');
    const flow: MfaFlow = { id: `flw_mfa${++this.seq}`, email, first: factor, attempts: 0, used: false };
    this.mfaFlows.set(flow.id, flow);
    return { status: 200, body: { step: 'mfa', flow_id: flow.id, methods, attempts_left: MAX_ATTEMPTS } satisfies MfaStep };
  }

  /**
   * `POST /v1/sign-in/mfa`: the second factor of a pending sign-in. A wrong code (or a used
   * recovery code) is `invalid_code` with the tries left, the last one `too_many_attempts`;
   * a used, unknown or spent flow `code_expired`. A recovery code is taken once.
   */
  private verifySecondFactor(body: Record<string, string>) {
    const flow = this.mfaFlows.get(body.flow_id!);
    if (!flow || flow.used || flow.enrol) throw problem('code_expired');
    if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
    if ((body.method !== 'totp' && body.method !== 'recovery-code') || typeof body.code !== 'string') {
      throw problem('invalid_request', { errors: [{ path: 'method', message: 'totp or recovery-code' }] });
    }
    const user = this.users.get(flow.email)!;
    const code = recoveryCode(body.code);
    // A TOTP code taken once is wrong from then on, as on the broker (it keeps the last time step used).
    const right = body.method === 'totp' ? user.totp !== null && !user.totp.used && body.code === user.totp.code : user.recoveryCodes.includes(code);
    if (!right) {
      flow.attempts++;
      throw flow.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem('invalid_code', { attempts_left: MAX_ATTEMPTS - flow.attempts });
    }
    flow.used = true;
    if (body.method === 'totp') user.totp!.used = true;
    if (body.method === 'recovery-code') user.recoveryCodes = user.recoveryCodes.filter((c) => c !== code);
    return this.done(flow.email, flow.first, { method: body.method === 'totp' ? 'otp' : 'recovery_code' });
  }

  // ---- Organization MFA (issue 23 §2): enrolment during sign-in ----------------------------

  /**
   * A member of an organization requiring MFA with no second factor: the `mfa-enroll` step
   * (no session yet). Its pending sign-in is an `MfaFlow` (attempts counted, single use) that
   * carries the key shown, the same one each time it is asked, as on the broker.
   */
  private askToEnrol(user: FakeUser, first: Factor, organization: string) {
    const flow: MfaFlow = { id: `flw_enrol${++this.seq}`, email: user.email, first, attempts: 0, used: false, enrol: true };
    this.mfaFlows.set(flow.id, flow);
    return { status: 200, body: this.enrolStep(flow, organization) };
  }

  private enrolStep(flow: MfaFlow, organization: string): MfaEnrollStep {
    const account = encodeURIComponent(`Latchkey:${flow.email}`);
    return {
      step: 'mfa-enroll',
      flow_id: flow.id,
      organization,
      secret: FAKE_ENROLL_SECRET,
      uri: `otpauth://totp/${account}?secret=${FAKE_ENROLL_SECRET}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`,
      attempts_left: MAX_ATTEMPTS - flow.attempts,
    };
  }

  /**
   * `POST /v1/sign-in/mfa/enroll`: the new app's first code (`FAKE_ENROLL_CODE`). Wrong:
   * `invalid_code` with the tries left, the last `too_many_attempts`; a used or unknown
   * flow `code_expired`. Right: the app and ten recovery codes are the account's, and
   * `done` carries the codes, shown once.
   */
  private confirmEnrolment(body: Record<string, string>) {
    const flow = this.mfaFlows.get(body.flow_id!);
    if (!flow || flow.used || !flow.enrol) throw problem('code_expired');
    if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
    const code = (body.code ?? '').replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) throw problem('invalid_request', { errors: [{ path: 'code', message: 'The code is six digits' }] });
    if (code !== FAKE_ENROLL_CODE) {
      flow.attempts++;
      throw flow.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem('invalid_code', { attempts_left: MAX_ATTEMPTS - flow.attempts });
    }
    flow.used = true;
    const user = this.users.get(flow.email)!;
    user.totp = { code, used: true };
    const codes = Array.from({ length: 10 }, (_, i) => `${'k7m2pw3n8cr6v2hq9x4t'.slice(i, i + 5)}-${'q9x4tk7m2pw3n8cr6v2h'.slice(i, i + 5)}`);
    user.recoveryCodes = codes.map(recoveryCode);
    const done = this.done(flow.email, flow.first, { method: 'otp' });
    return { ...done, body: { ...done.body, recovery_codes: codes } };
  }

  // ---- end of Organization MFA -------------------------------------------------------------

  private done(email: string, ...factors: Factor[]) {
    const user = this.users.get(email)!;
    this.current = this.openSession(user.id, factors);
    return { status: 200, body: { step: 'done', user: this.wireUser(user), session: this.wireSession(this.current), return_to: null } satisfies Step };
  }

  private wireUser(u: { id: string; email: string; name: string | null }) {
    return { id: u.id, email: u.email, email_verified: true, name: u.name, created_at: '2026-11-24T12:00:00.000Z' };
  }

  private wireSession(session: Session) {
    const { amr, aal } = derived(session.factors);
    // A step-up's factor says when it was proven; the session's first ones say when the fake's sessions were made.
    const factors = session.factors.map(({ provenAt, ...f }) => ({ ...f, at: provenAt === undefined ? SESSION_MADE_AT : new Date(provenAt).toISOString() }));
    return { id: session.id, amr, factors, aal, org_id: null, created_at: SESSION_MADE_AT, expires_at: '2026-12-24T12:00:00.000Z' };
  }

  /**
   * A token with the broker's header and claims. The signature is random bytes of an
   * ES256 signature's size: nothing verifies it here, and WebCrypto signing would
   * fail on an insecure origin (Storybook opened over a LAN address).
   */
  private mintToken(session: Session, org: { id: string; role: string; permissions: string[] } | null = null) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + TOKEN_TTL_SECONDS;
    const header = { alg: 'ES256', kid: 'key_fake', typ: 'lk-session+jwt' };
    const claims = {
      sid: session.id,
      ...derived(session.factors),
      org_id: org?.id ?? null,
      org_role: org?.role ?? null,
      org_permissions: org?.permissions ?? [],
      iss: this.url,
      sub: session.userId,
      aud: this.options.origin ?? globalThis.location?.origin ?? this.url,
      jti: `tok_${base64url(crypto.getRandomValues(new Uint8Array(16)))}`,
      iat,
      exp,
    };
    const json = (value: object) => base64url(new TextEncoder().encode(JSON.stringify(value)));
    const token = `${json(header)}.${json(claims)}.${base64url(crypto.getRandomValues(new Uint8Array(64)))}`;
    return { token, expires_at: new Date(exp * 1000).toISOString() };
  }

  private startFlow(purpose: Flow['purpose'], email: string, mails: FlowMail, extra: Partial<Flow> = {}) {
    const code = mails === 'code' ? String(100000 + ((this.seq * 7919) % 900000)) : null;
    const flow: Flow = { id: `flw_${++this.seq}`, purpose, email, code, mails, attempts: 0, used: false, resendAfter: Date.now() + RESEND_AFTER_MS, ...extra };
    this.flows.set(flow.id, flow);
    if (mails !== 'nothing') this.mail.push({ to: email, code });
    return { status: 202, body: this.codeStep(flow) };
  }

  private codeStep(flow: Flow): EmailCodeStep {
    return {
      step: 'email-code',
      flow_id: flow.id,
      email: flow.email,
      purpose: flow.purpose,
      methods: flow.purpose === 'sign-in' ? this.methods : [],
      expires_at: new Date(Date.now() + 600_000).toISOString(),
      resend_after: new Date(flow.resendAfter ?? Date.now() + RESEND_AFTER_MS).toISOString(),
      attempts_left: MAX_ATTEMPTS - flow.attempts,
    };
  }

  /** Tries `code`; `beforeUse` may still refuse (and keep the code good) once it proved right. */
  private checkCode(flowId: string, code: string, purpose: Flow['purpose'], beforeUse?: (flow: Flow) => void): Flow {
    const flow = this.flows.get(flowId);
    if (!flow || flow.used || flow.purpose !== purpose) throw problem('code_expired');
    if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
    if (flow.code === null || flow.code !== code) {
      flow.attempts++;
      throw flow.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem('invalid_code', { attempts_left: MAX_ATTEMPTS - flow.attempts });
    }
    beforeUse?.(flow);
    flow.used = true;
    return flow;
  }

  /** The routes, as the broker answers them. */
  private answer(method: string, path: string, body: Record<string, string>, query = new URLSearchParams(), accept: string | null = null): { status: number; body?: unknown; text?: string; headers?: Record<string, string> } {
    this.endIdleSessions();
    // A session signed out elsewhere (the account page of another browser) leaves this browser signed out.
    if (this.current && !this.liveSessions.has(this.current.id)) this.current = null;
    // Use of the session, as the broker's session lookup records it.
    if (this.current && path.startsWith('/v1/session')) this.current.lastSeenAt = Date.now();
    if (this.orgs.handles(path)) return this.orgs.answer(method, path, body as Record<string, unknown>, query, accept);
    // The tab's organization (`?org=`): its membership and policy are checked at each mint.
    if (method === 'POST' && path === '/v1/session/token' && query.has('org')) return this.orgs.token(query.get('org')!);
    if (path.startsWith('/v1/passkeys') || path.startsWith('/v1/sign-up/passkey')) return this.answerPasskeys(method, path, body as Record<string, unknown>);
    if (path.startsWith('/v1/identities')) return this.answerIdentities(method, path, body as Record<string, unknown>);
    if (path.startsWith('/v1/step-up')) return this.answerStepUp(method, path, body as Record<string, unknown>);
    if (path.startsWith('/v1/sessions') || path === '/v1/password' || path === '/v1/email' || path === '/v1/email/verify') return this.answerAccount(method, path, body);
    if (path.startsWith('/v1/mfa') || path.startsWith('/v1/sign-in/mfa/passkey')) return this.answerMfa(method, path, body as Record<string, unknown>);
    const email = body.email?.trim().toLowerCase();
    const mailsTo = (address: string): FlowMail => (this.users.has(address) ? 'code' : 'nothing');
    // As on the broker: a domain that requires SSO refuses every other first factor before anything else.
    const refusesOthers = ['POST /v1/sign-in/password', 'POST /v1/sign-in/email-code', 'POST /v1/password-reset', 'POST /v1/sign-up'].includes(`${method} ${path}`);
    if (refusesOthers && email && this.options.ssoRequired?.includes(email.split('@').pop()!)) throw problem('sso_required');
    switch (`${method} ${path}`) {
      case 'POST /v1/sign-in/identify': {
        // Home-realm discovery: the domain's IdP, the same answer whether or not the account exists.
        const org = this.options.ssoDomains?.[email!.split('@').pop()!];
        if (org) {
          this.nextResume ??= { doneAs: email! };
          return { status: 200, body: { step: 'sso-redirect', url: `https://idp.latchkey.test/sso/${encodeURIComponent(org)}?state=fake${++this.seq}`, to: { kind: 'sso', name: org } } satisfies Step };
        }
        // The same answer for every address; an email-code first broker has mailed the code (if there is an account).
        if (this.methods[0] === 'email-code') return { ...this.startFlow('sign-in', email!, mailsTo(email!)), status: 200 };
        return { status: 200, body: { step: 'password', email: email!, methods: this.methods } satisfies Step };
      }
      case 'POST /v1/sign-in/password': {
        const user = this.users.get(email!);
        if (!user || user.password !== body.password) throw problem('invalid_credentials');
        return this.firstFactorPassed(user.email, { method: 'pwd' });
      }
      case 'POST /v1/sign-in/email-code':
        return this.startFlow('sign-in', email!, mailsTo(email!));
      case 'POST /v1/sign-in/email-code/verify': {
        const flow = this.checkCode(body.flow_id!, body.code!, 'sign-in');
        return this.firstFactorPassed(flow.email, { method: 'email_code' });
      }
      case 'POST /v1/sign-up': {
        // Without a password it is a passkey-first sign-up: the same code step, then a passkey instead.
        if (body.password !== undefined) checkStrength(body.password, email!, body.name);
        else if (!this.methods.includes('passkey')) throw problem('invalid_request', { errors: [{ path: 'password', message: 'Required' }] });
        // As on the broker: a taken address gets the same answer, and its owner a notice instead of a code.
        const mails = this.users.has(email!) ? 'already-registered' : 'code';
        return this.startFlow('sign-up', email!, mails, { ...(body.password !== undefined ? { password: body.password } : {}), name: body.name ?? null });
      }
      case 'POST /v1/sign-up/verify': {
        const flow = this.checkCode(body.flow_id!, body.code!, 'sign-up');
        if (flow.password === undefined) {
          // The account is made only with its passkey (POST /v1/sign-up/passkey), so it never exists without a way in.
          const ceremony = this.startPasskeyFlow('sign-up', { account: { email: flow.email, name: flow.name ?? null, handle: randomBase64url(32), pendingUntil: Date.now() + SIGN_UP_PENDING_MS } });
          return { status: 200, body: this.registrationStep(ceremony) };
        }
        this.addUser(flow.email, flow.password, flow.name ?? null);
        return { ...this.done(flow.email, { method: 'pwd' }), status: 201 };
      }
      case 'POST /v1/sign-in/mfa':
        return this.verifySecondFactor(body);
      case 'POST /v1/sign-in/mfa/enroll':
        return this.confirmEnrolment(body);
      case 'POST /v1/password-reset':
        return this.startFlow('password-reset', email!, mailsTo(email!));
      case 'POST /v1/password-reset/finish': {
        // As on the broker: the flow must be open, then a weak password is refused before the code is tried.
        const open = this.flows.get(body.flow_id!);
        if (!open || open.used || open.purpose !== 'password-reset') throw problem('code_expired');
        checkStrength(body.password ?? '', open.email);
        // The account's name only once the code is right, and before it is used up, as on the broker.
        const flow = this.checkCode(body.flow_id!, body.code!, 'password-reset', (proven) => checkStrength(body.password!, proven.email, this.users.get(proven.email)?.name));
        const user = this.users.get(flow.email)!;
        const replaced = user.password !== null;
        user.password = body.password!;
        this.current = null;
        this.revokeSessions(user.id);
        this.mail.push({ to: user.email, code: null, subject: replaced ? 'Your password was changed' : 'A password was added to your account' });
        // As on the broker: an account with passkeys gets their review; one without, the answer as it always was.
        const review = this.passkeysOn && user.passkeys.length ? this.openReview(user) : undefined;
        return { status: 200, body: { step: 'password', email: flow.email, methods: this.methods, notice: 'password-reset', ...(review ? { review } : {}) } satisfies Step };
      }
      case 'POST /v1/password-reset/passkeys/remove':
        return { status: 200, body: this.removeReviewed(body as Record<string, unknown>) };
      case 'POST /v1/email-code/resend': {
        const flow = this.flows.get(body.flow_id!);
        if (!flow || flow.used) throw problem('code_expired');
        if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
        if (flow.resendAfter !== undefined && Date.now() < flow.resendAfter) throw problem('rate_limited', {}, Math.ceil((flow.resendAfter - Date.now()) / 1000));
        flow.resendAfter = Date.now() + RESEND_AFTER_MS;
        // Same flow, fresh code; the attempt count stays, as on the broker.
        if (flow.code !== null) flow.code = String(100000 + ((++this.seq * 7919) % 900000));
        // The notice to an account's owner goes out once, not on every resend.
        if ((flow.mails ?? (flow.code === null ? 'nothing' : 'code')) === 'code') this.mail.push({ to: flow.email, code: flow.code });
        return { status: 202, body: this.codeStep(flow) };
      }
      case 'GET /v1/config':
        return { status: 200, body: { sign_in_methods: this.methods, social: this.providers } };
      case 'POST /v1/sign-in/social': {
        const provider = this.providers.find((p) => p.id === body.provider);
        if (!provider) throw problem('unknown_provider');
        this.allowlisted(body.resume_url);
        this.nextResume ??= { doneAs: this.socialAccount };
        const url = `https://idp.latchkey.test/${provider.id}/authorize?state=fake${++this.seq}`;
        return { status: 200, body: { step: 'sso-redirect', url, to: { kind: 'social', name: provider.name, icon: provider.icon } } satisfies Step };
      }
      case 'GET /v1/sign-in/flow': {
        const next = this.nextResume;
        this.nextResume = undefined;
        if (!next) throw problem('no_flow');
        if (!('doneAs' in next)) return { status: 200, body: next };
        if (!this.users.has(next.doneAs)) this.addUser(next.doneAs, null, null);
        return this.firstFactorPassed(next.doneAs, { method: 'oauth', provider: next.provider ?? 'devhub' });
      }
      case 'GET /v1/session': {
        const session = this.current;
        const user = session && [...this.users.values()].find((u) => u.id === session.userId);
        // Signed out is an answer, not an error, as on the broker: pages ask this on every load.
        if (!session || !user) return { status: 200, body: { user: null } };
        return { status: 200, body: { user: this.wireUser(user), session: this.wireSession(session) } };
      }
      case 'POST /v1/session/token':
        if (!this.current) throw problem('unauthenticated');
        return { status: 200, body: this.mintToken(this.current) };
      case 'POST /v1/sign-out':
        if (this.current) this.liveSessions.delete(this.current.id);
        this.current = null;
        return { status: 204 };
      default:
        throw problem('not_found');
    }
  }

  /**
   * The passkey routes: sign-in, passkey-first sign-up, and the signed-in user's
   * own passkeys. As on the broker, a ceremony's flow is consumed only when it
   * succeeds (a refused answer leaves it open), and an unknown, used, expired or
   * other kind of flow is refused like a bad answer, with `passkey_rejected`.
   */
  private answerPasskeys(method: string, path: string, body: Record<string, unknown>): { status: number; body?: unknown } {
    if (!this.passkeysOn) throw problem('invalid_request', { detail: 'passkeys are not offered' });
    switch (`${method} ${path}`) {
      case 'POST /v1/passkeys/sign-in/options': {
        this.passkeySignInOffered();
        const flow = this.startPasskeyFlow('sign-in');
        const step: PasskeyStep = {
          step: 'passkey',
          flow_id: flow.id,
          // Discoverable credentials: the authenticator offers the user's passkeys, so no email and no allow list.
          options: { challenge: flow.challenge, timeout: this.passkeyTimeout, rpId: this.rpId, allowCredentials: [], userVerification: 'required' },
          expires_at: new Date(flow.expiresAt).toISOString(),
        };
        return { status: 200, body: step };
      }
      case 'POST /v1/passkeys/sign-in/verify': {
        this.passkeySignInOffered();
        const credential = assertionOf(body.credential);
        const flow = this.openPasskeyFlow(body.flow_id, 'sign-in');
        const owner = [...this.users.values()].find((u) => u.passkeys.some((p) => p.credentialId === credential.id));
        const passkey = owner?.passkeys.find((p) => p.credentialId === credential.id);
        if (!owner || !passkey || credential.response.userHandle !== owner.handle) throw problem('passkey_rejected');
        const flags = checkCeremony(credential.response, 'webauthn.get', flow.challenge);
        if (!(flags & FLAG_UV)) throw problem('passkey_rejected');
        flow.used = true;
        passkey.last_used_at = new Date(this.clock()).toISOString();
        return this.done(owner.email, passkeyFactor(passkey));
      }
      case 'POST /v1/sign-up/passkey/options': {
        this.passkeySignInOffered();
        // After a cancelled dialog or a timeout: the old challenge is used up, and a new ceremony opens for the
        // same pending sign-up, while its address is freshly proven; else `code_expired` (start the sign-up again).
        // Past the dialog's own expiry too: a timed-out dialog is what this is for.
        const old = typeof body.flow_id === 'string' ? this.passkeyFlows.get(body.flow_id) : undefined;
        if (!old || old.used || old.kind !== 'sign-up' || Date.now() > old.account!.pendingUntil) throw problem('code_expired');
        old.used = true;
        return { status: 200, body: this.registrationStep(this.startPasskeyFlow('sign-up', { account: old.account! })) };
      }
      case 'POST /v1/sign-up/passkey': {
        this.passkeySignInOffered();
        registrationOf(body.credential);
        const flow = this.openPasskeyFlow(body.flow_id, 'sign-up');
        const account = flow.account!;
        const passkey = this.checkRegistration(flow, body, null);
        // The address got an account meanwhile (a parallel sign-up won): this pending sign-up is void.
        if (this.users.has(account.email)) throw problem('code_expired');
        flow.used = true;
        const user = this.addUser(account.email, null, account.name, account.handle);
        user.passkeys.push(passkey);
        return { ...this.done(user.email, passkeyFactor(passkey)), status: 201 };
      }
      case 'POST /v1/passkeys/options': {
        const user = this.recentlySignedInUser();
        return { status: 200, body: this.registrationStep(this.startPasskeyFlow('add', { userId: user.id })) };
      }
      case 'POST /v1/passkeys': {
        const user = this.recentlySignedInUser();
        registrationOf(body.credential);
        const flow = this.openPasskeyFlow(body.flow_id, 'add');
        if (flow.userId !== user.id) throw problem('passkey_rejected');
        const passkey = this.checkRegistration(flow, body, user);
        flow.used = true;
        user.passkeys.push(passkey);
        // As on the broker: a new way in is announced to the owner (no code, no secret).
        this.mail.push({ to: user.email, code: null, subject: 'A passkey was added to your account' });
        return { status: 201, body: wirePasskey(passkey) };
      }
      case 'GET /v1/passkeys':
        return { status: 200, body: { passkeys: this.signedInUser().passkeys.map(wirePasskey) } };
    }
    const one = /^\/v1\/passkeys\/([^/]+)$/.exec(path);
    if (one && (method === 'PATCH' || method === 'DELETE')) {
      // Renaming is not sensitive; deleting a way in is.
      const user = method === 'DELETE' ? this.recentlySignedInUser() : this.signedInUser();
      // Another account's passkey is as unknown as one that never was.
      const passkey = user.passkeys.find((p) => p.id === decodeURIComponent(one[1]!));
      if (!passkey) throw problem('not_found');
      if (method === 'PATCH') {
        passkey.name = passkeyName(body.name, true)!;
        return { status: 200, body: wirePasskey(passkey) };
      }
      if (user.password === null && user.passkeys.length === 1 && user.identities.length === 0) throw problem('last_sign_in_method');
      user.passkeys.splice(user.passkeys.indexOf(passkey), 1);
      return { status: 204 };
    }
    throw problem('not_found');
  }

  // ---- Connected accounts and the return from an identity provider (issue 21) ----
  // The broker's `/v1/identities` routes. There is no IdP here: `connect` answers
  // a redirect to a fake URL and keeps the pending connection; a test or story then
  // plays the provider's callback with `returnFromIdp()`, which sets what
  // `GET /v1/sign-in/flow` answers once (`nextResume`), as the broker's callback
  // does before its 303 to `resume_url`.

  /** Social providers configured, in button order (`options.social`). */
  readonly providers: SocialProvider[];
  /** The connection `POST /v1/identities/connect` started and no callback finished yet. */
  pendingConnect: { userId: string; provider: SocialProvider; resumeUrl: string } | null = null;
  private identitySeq = 0;

  /** A resume_url on the page's origin, as the broker's allowlist; else `invalid_return_to` (absent: null). (`return_to` is not checked: element tests pass a host page's URL.) */
  private allowlisted(url: unknown): string | null {
    if (url === undefined) return null;
    const origin = this.options.origin ?? globalThis.location?.origin;
    if (typeof url !== 'string' || !URL.canParse(url) || (origin !== undefined && new URL(url).origin !== origin)) throw problem('invalid_return_to');
    return url;
  }

  private identity(providerId: string, email: string | null, createdAt: string): ConnectedAccount {
    const provider = this.providers.find((p) => p.id === providerId);
    if (!provider) throw new Error(`fake broker: no provider ${providerId}`);
    return { id: `idn_${++this.identitySeq}`, provider, email, created_at: createdAt };
  }

  /**
   * Plays the provider's callback for the pending connect: `'done'` attaches
   * the identity (asserting `email`) and the flow answers `done`; a reason
   * answers `idp-error` with it. Answers the URL the browser is sent back to
   * (`resume_url` with `lk_resume=1`).
   */
  returnFromIdp(outcome: 'done' | IdpErrorReason, email: string | null = null): string {
    const pending = this.pendingConnect;
    if (!pending) throw new Error('fake broker: no connect is pending');
    this.pendingConnect = null;
    const user = [...this.users.values()].find((u) => u.id === pending.userId)!;
    const to = { kind: 'social' as const, name: pending.provider.name, icon: pending.provider.icon };
    if (outcome === 'done') {
      user.identities.push(this.identity(pending.provider.id, email, new Date(this.clock()).toISOString()));
      this.nextResume = { step: 'done', user: this.wireUser(user), session: this.wireSession(this.current!), return_to: null };
    } else {
      this.nextResume = { step: 'idp-error', reason: outcome, to, return_to: null };
    }
    const back = new URL(pending.resumeUrl);
    back.searchParams.set('lk_resume', '1');
    return back.href;
  }

  private answerIdentities(method: string, path: string, body: Record<string, unknown>): { status: number; body?: unknown } {
    // Connecting and disconnecting are sensitive; the list is not.
    const user = method === 'GET' ? this.signedInUser() : this.recentlySignedInUser();
    switch (`${method} ${path}`) {
      case 'GET /v1/identities': {
        const connected = new Set(user.identities.map((i) => i.provider.id));
        return { status: 200, body: { accounts: user.identities, available: this.providers.filter((p) => !connected.has(p.id)) } };
      }
      case 'POST /v1/identities/connect': {
        const provider = this.providers.find((p) => p.id === body.provider);
        if (typeof body.provider !== 'string') throw problem('invalid_request', { errors: [{ path: 'provider', message: 'Required' }] });
        if (!provider) throw problem('unknown_provider');
        const resumeUrl = this.allowlisted(body.resume_url) ?? this.options.origin ?? globalThis.location?.origin ?? this.url;
        this.pendingConnect = { userId: user.id, provider, resumeUrl };
        const url = `https://idp.fake.test/authorize?client_id=${provider.id}&state=st_${++this.identitySeq}`;
        return { status: 200, body: { step: 'sso-redirect', url, to: { kind: 'social', name: provider.name, icon: provider.icon } } };
      }
    }
    const one = /^\/v1\/identities\/([^/]+)$/.exec(path);
    if (one && method === 'DELETE') {
      // Another account's identity is as unknown as one that never was.
      const identity = user.identities.find((i) => i.id === decodeURIComponent(one[1]!));
      if (!identity) throw problem('not_found');
      // The last way in: no password, no passkey, and no other identity.
      if (user.password === null && user.passkeys.length === 0 && user.identities.length === 1) throw problem('last_way_in');
      user.identities.splice(user.identities.indexOf(identity), 1);
      return { status: 204 };
    }
    throw problem('not_found');
  }
  // ---- end of connected accounts ----

  // ---- Step-up (issue 23 §4) ----
  // The broker's `/v1/step-up` routes and its `requireRecentAuth` guard: a sensitive
  // change needs a factor proven within ten minutes (by `Date`), a second factor where
  // the account has an authenticator app; a step-up appends one to the session.

  private readonly stepUps = new Map<string, { id: string; sessionId: string; attempts: number; used: boolean; expiresAt: number }>();

  /** The signed-in user when the session proved a factor recently enough (as `requireRecentAuth`), else 401 or 403. */
  private recentlySignedInUser(): FakeUser {
    const user = this.signedInUser();
    const session = this.current!;
    const since = Date.now() - STEP_UP_WINDOW_MS;
    const recent = session.factors.filter((f) => (f.provenAt ?? session.openedAt) >= since);
    const enough = user.totp ? recent.some((f) => ['otp', 'recovery_code', 'passkey'].includes(f.method)) : recent.length > 0;
    if (!enough) throw problem('reauthentication_required');
    return user;
  }

  private stepUpMethods(user: FakeUser): StepUpMethod[] {
    const passkey = this.passkeysOn && user.passkeys.length > 0;
    if (user.totp) return ['totp', ...(user.recoveryCodes.length ? (['recovery-code'] as const) : []), ...(passkey ? (['passkey'] as const) : [])];
    return [...(user.password !== null ? (['password'] as const) : []), ...(passkey ? (['passkey'] as const) : []), 'email-code'];
  }

  /** The session with `factor` appended, as the broker answers a step-up. */
  private proven(factor: Factor) {
    const session = this.current!;
    session.factors = [...session.factors, { ...factor, provenAt: Date.now() }];
    return { status: 200, body: this.wireSession(session) };
  }

  private answerStepUp(method: string, path: string, body: Record<string, unknown>): { status: number; body?: unknown } {
    const user = this.signedInUser();
    const methods = this.stepUpMethods(user);
    const offers = (m: StepUpMethod) => {
      if (!methods.includes(m)) throw problem('invalid_request', { detail: `this account does not step up with ${m}` });
    };
    /** This session's open step-up `body.flow_id`, counting one attempt (a wrong answer keeps it). */
    const attempt = () => {
      const flow = typeof body.flow_id === 'string' ? this.stepUps.get(body.flow_id) : undefined;
      if (!flow || flow.used || flow.sessionId !== this.current!.id || Date.now() > flow.expiresAt) throw problem('code_expired');
      if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
      flow.attempts++;
      const wrong = (code: ProblemCode) => (flow.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem(code, { attempts_left: MAX_ATTEMPTS - flow.attempts }));
      return { flow, wrong };
    };
    switch (`${method} ${path}`) {
      case 'POST /v1/step-up': {
        const flow = { id: `flw_su${++this.seq}`, sessionId: this.current!.id, attempts: 0, used: false, expiresAt: Date.now() + 600_000 };
        this.stepUps.set(flow.id, flow);
        return { status: 200, body: { flow_id: flow.id, methods, email: user.email, expires_at: new Date(flow.expiresAt).toISOString(), attempts_left: MAX_ATTEMPTS } satisfies StepUpChallenge };
      }
      case 'POST /v1/step-up/password': {
        offers('password');
        const { flow, wrong } = attempt();
        if (body.password !== user.password) throw wrong('invalid_credentials');
        flow.used = true;
        return this.proven({ method: 'pwd' });
      }
      case 'POST /v1/step-up/code': {
        if (body.method !== 'totp' && body.method !== 'recovery-code') throw problem('invalid_request', { errors: [{ path: 'method', message: 'totp or recovery-code' }] });
        offers(body.method);
        const { flow, wrong } = attempt();
        const code = recoveryCode(String(body.code ?? ''));
        const right = body.method === 'totp' ? user.totp !== null && !user.totp.used && body.code === user.totp.code : user.recoveryCodes.includes(code);
        if (!right) throw wrong('invalid_code');
        flow.used = true;
        if (body.method === 'totp') user.totp!.used = true;
        else user.recoveryCodes = user.recoveryCodes.filter((c) => c !== code);
        return this.proven({ method: body.method === 'totp' ? 'otp' : 'recovery_code' });
      }
      case 'POST /v1/step-up/passkey/options': {
        offers('passkey');
        const flow = this.startPasskeyFlow('step-up', { userId: user.id, sessionId: this.current!.id });
        const step: PasskeyStep = {
          step: 'passkey',
          flow_id: flow.id,
          options: { challenge: flow.challenge, timeout: this.passkeyTimeout, rpId: this.rpId, allowCredentials: user.passkeys.map((p) => ({ id: p.credentialId, type: 'public-key', transports: p.transports })), userVerification: 'required' },
          expires_at: new Date(flow.expiresAt).toISOString(),
        };
        return { status: 200, body: step };
      }
      case 'POST /v1/step-up/passkey': {
        const credential = assertionOf(body.credential);
        const flow = this.openPasskeyFlow(body.flow_id, 'step-up');
        if (flow.sessionId !== this.current!.id) throw problem('passkey_rejected');
        const passkey = user.passkeys.find((p) => p.credentialId === credential.id);
        if (!passkey) throw problem('passkey_rejected');
        if (!(checkCeremony(credential.response, 'webauthn.get', flow.challenge) & FLAG_UV)) throw problem('passkey_rejected');
        flow.used = true;
        passkey.last_used_at = new Date(this.clock()).toISOString();
        return this.proven(passkeyFactor(passkey));
      }
      case 'POST /v1/step-up/email-code': {
        offers('email-code');
        return { ...this.startFlow('step-up', user.email, 'code'), status: 200 };
      }
      case 'POST /v1/step-up/email-code/verify': {
        const flow = this.flows.get(String(body.flow_id));
        if (flow && flow.email !== user.email) throw problem('code_expired');
        this.checkCode(String(body.flow_id), String(body.code ?? ''), 'step-up');
        return this.proven({ method: 'email_code' });
      }
    }
    throw problem('not_found');
  }
  // ---- end of step-up ----
  // ---- The account page: sessions, password, email address (issue 23 §5) ----
  // The broker's `/v1/sessions`, `/v1/password` and `/v1/email` routes. This
  // browser's session is `current`; sessions of other browsers come from
  // `options.sessions` (or from signing in again). A recent authentication is not
  // checked here: a story or test scripts `reauthentication_required` with `failNext`.

  private seedSessions(seeds: Record<string, FakeSessionSeed[]>) {
    for (const [email, list] of Object.entries(seeds)) {
      const user = this.seededUser(email, 'sessions');
      for (const seed of list) {
        const session = this.openSession(user.id, [{ method: 'pwd' }]);
        const createdAt = seed.createdAt ?? SESSION_MADE_AT;
        session.meta = { created_at: createdAt, last_seen_at: seed.lastSeenAt ?? createdAt, expires_at: '2026-12-24T12:00:00.000Z', ip: seed.ip ?? null, browser: seed.browser ?? null, device: seed.device ?? null };
      }
    }
  }

  /** Ends every session unused for the idle timeout, as the broker's lookups stop finding them. */
  private endIdleSessions() {
    const idleMs = (this.options.idleTimeoutSeconds ?? 0) * 1000;
    if (idleMs <= 0) return;
    const now = Date.now();
    for (const session of [...this.liveSessions.values()]) if (now - session.lastSeenAt >= idleMs) this.liveSessions.delete(session.id);
  }

  private revokeSessions(userId: string, keep?: string): number {
    const gone = [...this.liveSessions.values()].filter((s) => s.userId === userId && s.id !== keep);
    for (const session of gone) this.liveSessions.delete(session.id);
    return gone.length;
  }

  /** A session as `GET /v1/sessions` lists it; this browser's is the page's own (Chrome on macOS, the fake's address, used now). */
  private activeSession(session: Session): ActiveSession {
    const now = new Date(this.clock()).toISOString();
    const meta = session.meta ?? { created_at: SESSION_MADE_AT, last_seen_at: now, expires_at: '2026-12-24T12:00:00.000Z', ip: '203.0.113.10', browser: 'Chrome', device: 'macOS' };
    return { id: session.id, ...meta, amr: derived(session.factors).amr, current: session === this.current };
  }

  private answerAccount(method: string, path: string, body: Record<string, string>): { status: number; body?: unknown } {
    const user = this.signedInUser();
    const domainRequiresSso = (email: string) => this.options.ssoRequired?.includes(email.split('@').pop()!) ?? false;
    if (method === 'DELETE' && path.startsWith('/v1/sessions/')) {
      // Another user's, unknown and signed-out sessions are all `not_found`, as on the broker.
      const session = this.liveSessions.get(decodeURIComponent(path.slice('/v1/sessions/'.length)));
      if (!session || session.userId !== user.id) throw problem('not_found');
      this.liveSessions.delete(session.id);
      if (session === this.current) this.current = null;
      return { status: 204 };
    }
    switch (`${method} ${path}`) {
      case 'GET /v1/sessions': {
        const mine = [...this.liveSessions.values()].filter((s) => s.userId === user.id).map((s) => this.activeSession(s));
        const others = mine.filter((s) => !s.current).sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at));
        return { status: 200, body: { sessions: [...mine.filter((s) => s.current), ...others] } };
      }
      case 'POST /v1/sessions/revoke-others':
        return { status: 200, body: { revoked: this.revokeSessions(user.id, this.current!.id) } };
      case 'GET /v1/password':
        return { status: 200, body: { has_password: user.password !== null } };
      case 'POST /v1/password': {
        if (domainRequiresSso(user.email)) throw problem('sso_required');
        checkStrength(body.password ?? '', user.email, user.name);
        const replaced = user.password !== null;
        user.password = body.password!;
        const revoked = this.revokeSessions(user.id, this.current!.id);
        this.mail.push({ to: user.email, code: null, subject: replaced ? 'Your password was changed' : 'A password was added to your account' });
        return { status: 200, body: { replaced, revoked_sessions: revoked } };
      }
      case 'POST /v1/email': {
        // Normalised as the broker does: trimmed, ASCII letters lower-cased, nothing else.
        const email = (body.email ?? '').trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email === user.email) throw problem('invalid_request', { errors: [{ path: 'email', message: 'Enter a new email address' }] });
        if (domainRequiresSso(user.email)) throw problem('sso_required');
        if (domainRequiresSso(email)) throw problem('sso_required', { errors: [{ path: 'email', message: "This address's organization requires its single sign-on" }] });
        // A taken address: the same answer, a notice to its owner and no code, as on the broker.
        return this.startFlow('email-change', email, this.users.has(email) ? 'already-registered' : 'code', { userId: user.id });
      }
      case 'POST /v1/email/verify': {
        const flow = this.checkCode(body.flow_id!, body.code!, 'email-change', (proven) => {
          if (proven.userId !== user.id || this.users.has(proven.email)) throw problem('code_expired');
        });
        const old = user.email;
        this.users.delete(old);
        user.email = flow.email;
        this.users.set(user.email, user);
        this.mail.push({ to: old, code: null, subject: 'The email address of your account was changed' });
        return { status: 200, body: this.wireUser(user) };
      }
      default:
        throw problem('not_found');
    }
  }
  // ---- end of the account page ----
  // ---- Two-step verification: the account's factors, and a passkey as second factor (issue 23) ----
  // The broker's `/v1/mfa/*` account routes and `/v1/sign-in/mfa/passkey*`. There is no
  // real TOTP here: an app enrolled in the fake shows one fixed code (`appCode(email)`:
  // the account's `options.totp`, else FAKE_APP_CODE), taken once as on the broker.

  /** Authenticator apps enrolled, by user id (an account seeded with `options.totp` gets its record when first read). */
  private readonly apps = new Map<string, TotpFactor>();
  /** When each account's recovery codes were made, by user id. */
  private readonly recoveryMadeAt = new Map<string, string>();
  /** Enrolments waiting for their first code. */
  private readonly enrollments = new Map<string, { userId: string; code: string; attempts: number; used: boolean; expiresAt: number }>();
  private mfaSeq = 0;

  /** Passkeys work at all: offered for sign-in, or an RP ID configured for the account page and the second factor. */
  private get passkeysOn(): boolean {
    return this.methods.includes('passkey') || this.options.rpId !== undefined;
  }

  /** Passkey sign-in and passkey-first sign-up: only where `methods` offers passkeys, as on the broker. */
  private passkeySignInOffered() {
    if (!this.methods.includes('passkey')) throw problem('invalid_request', { detail: 'passkey sign-in is not offered' });
  }

  /** The code the authenticator app of `email` shows, as the test or story types it. */
  appCode(email: string): string {
    return this.users.get(email)?.totp?.code ?? this.options.totp?.[email] ?? FAKE_APP_CODE;
  }

  private appOf(user: FakeUser): TotpFactor | undefined {
    if (!user.totp) return undefined;
    let app = this.apps.get(user.id);
    if (!app) this.apps.set(user.id, (app = { id: `totp_${++this.mfaSeq}`, type: 'totp', created_at: SESSION_MADE_AT, last_used_at: null }));
    return app;
  }

  /** Ten new codes for `user` (the old ones stop working), as shown once. */
  private newRecoveryCodes(user: FakeUser): RecoveryCodes {
    const batch = ++this.mfaSeq;
    const codes = Array.from({ length: 10 }, (_, i) => fakeRecoveryCode(batch * 10 + i));
    const created_at = new Date(this.clock()).toISOString();
    user.recoveryCodes = codes.map(recoveryCode);
    this.recoveryMadeAt.set(user.id, created_at);
    return { codes, created_at };
  }

  private answerMfa(method: string, path: string, body: Record<string, unknown>): { status: number; body?: unknown } {
    switch (`${method} ${path}`) {
      case 'GET /v1/mfa': {
        const user = this.signedInUser();
        const app = this.appOf(user);
        const remaining = user.recoveryCodes.length;
        const status: MfaStatus = {
          factors: app ? [app] : [],
          recovery_codes: { remaining, created_at: remaining || this.recoveryMadeAt.has(user.id) ? (this.recoveryMadeAt.get(user.id) ?? SESSION_MADE_AT) : null },
          passkeys: user.passkeys.length,
        };
        return { status: 200, body: status };
      }
      case 'POST /v1/mfa/totp': {
        const user = this.signedInUser();
        if (user.totp) throw problem('invalid_request', { detail: 'an authenticator app is set up already; remove it first' });
        const id = `flw_totp${++this.mfaSeq}`;
        const secret = fakeTotpSecret(this.mfaSeq);
        const expiresAt = Date.now() + 600_000;
        this.enrollments.set(id, { userId: user.id, code: this.appCode(user.email), attempts: 0, used: false, expiresAt });
        const uri = `otpauth://totp/Latchkey:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`;
        return { status: 200, body: { enrollment_id: id, secret, uri, expires_at: new Date(expiresAt).toISOString() } satisfies TotpEnrollment };
      }
      case 'POST /v1/mfa/totp/confirm': {
        const user = this.signedInUser();
        const enrollment = typeof body.enrollment_id === 'string' ? this.enrollments.get(body.enrollment_id) : undefined;
        if (typeof body.code !== 'string' || !/^\d{6}$/.test(body.code.replace(/\s+/g, ''))) throw problem('invalid_request', { errors: [{ path: 'code', message: 'The code is six digits' }] });
        // Another user's enrolment is as unknown as none.
        if (!enrollment || enrollment.used || enrollment.userId !== user.id || Date.now() > enrollment.expiresAt) throw problem('code_expired');
        if (enrollment.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
        if (body.code.replace(/\s+/g, '') !== enrollment.code) {
          enrollment.attempts++;
          throw enrollment.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem('invalid_code', { attempts_left: MAX_ATTEMPTS - enrollment.attempts });
        }
        enrollment.used = true;
        const now = new Date(this.clock()).toISOString();
        // The confirming code is spent: the app's next one signs in (`showTotp`).
        user.totp = { code: enrollment.code, used: true };
        const factor: TotpFactor = { id: `totp_${++this.mfaSeq}`, type: 'totp', created_at: now, last_used_at: now };
        this.apps.set(user.id, factor);
        // As on the broker: the code just proved the app, so the session holds a recent second factor.
        this.current!.factors = [...this.current!.factors, { method: 'otp', provenAt: Date.now() }];
        const recovery = user.recoveryCodes.length ? null : this.newRecoveryCodes(user).codes;
        return { status: 201, body: { factor, recovery_codes: recovery } satisfies TotpConfirmation };
      }
      case 'POST /v1/mfa/recovery-codes':
        return { status: 201, body: this.newRecoveryCodes(this.signedInUser()) };
      case 'POST /v1/sign-in/mfa/passkey/options': {
        const flow = typeof body.flow_id === 'string' ? this.mfaFlows.get(body.flow_id) : undefined;
        if (!flow || flow.used || flow.attempts >= MAX_ATTEMPTS) throw problem('code_expired');
        if (!this.passkeysOn) throw problem('invalid_request', { detail: 'passkeys are not offered' });
        const user = this.users.get(flow.email)!;
        if (!user.passkeys.length) throw problem('invalid_request', { detail: 'the account has no passkey' });
        const ceremony = this.startPasskeyFlow('second-factor', { userId: user.id, mfaFlowId: flow.id });
        const step: PasskeyStep = {
          step: 'passkey',
          flow_id: ceremony.id,
          options: {
            challenge: ceremony.challenge,
            timeout: this.passkeyTimeout,
            rpId: this.rpId,
            allowCredentials: user.passkeys.map((p) => ({ id: p.credentialId, type: 'public-key', transports: p.transports })),
            userVerification: 'required',
          },
          expires_at: new Date(ceremony.expiresAt).toISOString(),
        };
        return { status: 200, body: step };
      }
      case 'POST /v1/sign-in/mfa/passkey': {
        const credential = assertionOf(body.credential);
        const ceremony = this.openPasskeyFlow(body.flow_id, 'second-factor');
        const flow = this.mfaFlows.get(ceremony.mfaFlowId!)!;
        const user = this.users.get(flow.email)!;
        // Only the account's own passkeys answer its second factor.
        const passkey = user.passkeys.find((p) => p.credentialId === credential.id);
        if (!passkey || user.id !== ceremony.userId) throw problem('passkey_rejected');
        if (!(checkCeremony(credential.response, 'webauthn.get', ceremony.challenge) & FLAG_UV)) throw problem('passkey_rejected');
        if (flow.used) throw problem('code_expired');
        ceremony.used = flow.used = true;
        passkey.last_used_at = new Date(this.clock()).toISOString();
        return this.done(flow.email, flow.first, passkeyFactor(passkey));
      }
    }
    const app = /^\/v1\/mfa\/totp\/([^/]+)$/.exec(path);
    if (app && method === 'DELETE') {
      const user = this.signedInUser();
      if (!user.totp || this.appOf(user)!.id !== decodeURIComponent(app[1]!)) throw problem('not_found');
      // Its recovery codes go with it, as on the broker.
      user.totp = null;
      user.recoveryCodes = [];
      this.apps.delete(user.id);
      this.recoveryMadeAt.delete(user.id);
      return { status: 204 };
    }
    throw problem('not_found');
  }
  // ---- end of two-step verification ----

  /** Opens the review of `user`'s passkeys that a reset answers. */
  private openReview(user: FakeUser): PasskeyReview {
    const review: ReviewFlow = { id: `flw_rv${++this.passkeySeq}`, userId: user.id, passkeyIds: user.passkeys.map((p) => p.id), expiresAt: Date.now() + REVIEW_MS };
    this.reviewFlows.set(review.id, review);
    return { flow_id: review.id, expires_at: new Date(review.expiresAt).toISOString(), passkeys: user.passkeys.map(wirePasskey) };
  }

  /**
   * Removes, of the ids asked for, the passkeys the review listed, as the
   * broker does: an id it did not list is ignored like one removed already;
   * an unknown or expired review is `code_expired`.
   */
  private removeReviewed(body: Record<string, unknown>): PasskeyReviewRemoval {
    if (!this.passkeysOn) throw problem('invalid_request', { detail: 'passkeys are not offered' });
    const ids = body.passkey_ids;
    if (typeof body.flow_id !== 'string' || !Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((id) => typeof id === 'string' && /^pk_[\w-]{1,60}$/.test(id))) {
      throw problem('invalid_request', { errors: [{ path: 'passkey_ids', message: 'Not a list of passkey ids' }] });
    }
    const review = this.reviewFlows.get(body.flow_id);
    if (!review || Date.now() >= review.expiresAt) throw problem('code_expired');
    const user = [...this.users.values()].find((u) => u.id === review.userId)!;
    const removed = user.passkeys.filter((p) => review.passkeyIds.includes(p.id) && ids.includes(p.id)).map((p) => p.id);
    user.passkeys = user.passkeys.filter((p) => !removed.includes(p.id));
    return {
      flow_id: review.id,
      expires_at: new Date(review.expiresAt).toISOString(),
      passkeys: user.passkeys.filter((p) => review.passkeyIds.includes(p.id)).map(wirePasskey),
      removed: removed.sort(),
    };
  }

  private signedInUser(): FakeUser {
    const session = this.current;
    const user = session && [...this.users.values()].find((u) => u.id === session.userId);
    if (!user) throw problem('unauthenticated');
    return user;
  }

  private startPasskeyFlow(kind: PasskeyFlow['kind'], extra: Partial<PasskeyFlow> = {}): PasskeyFlow {
    if (!this.passkeysOn) throw problem('invalid_request', { detail: 'passkeys are not offered' });
    // A ceremony expires with the browser's dialog, or when its pending sign-up does, if sooner.
    const expiresAt = Math.min(Date.now() + this.passkeyTimeout, extra.account?.pendingUntil ?? Infinity);
    const flow: PasskeyFlow = { id: `flw_pk${++this.passkeySeq}`, kind, challenge: randomBase64url(32), expiresAt, used: false, ...extra };
    this.passkeyFlows.set(flow.id, flow);
    return flow;
  }

  /** A ceremony still open, else `passkey_rejected`: unknown, used, expired and another kind all look the same. */
  private openPasskeyFlow(id: unknown, kind: PasskeyFlow['kind']): PasskeyFlow {
    if (!this.passkeysOn) throw problem('invalid_request', { detail: 'passkeys are not offered' });
    const flow = typeof id === 'string' ? this.passkeyFlows.get(id) : undefined;
    if (!flow || flow.used || flow.kind !== kind || Date.now() > flow.expiresAt) throw problem('passkey_rejected');
    return flow;
  }

  /** What `navigator.credentials.create()` is asked for a new passkey of the flow's account. */
  private registrationStep(flow: PasskeyFlow): PasskeyRegistrationStep {
    const user = flow.userId ? [...this.users.values()].find((u) => u.id === flow.userId)! : undefined;
    const account = user ?? flow.account!;
    return {
      step: 'passkey-registration',
      flow_id: flow.id,
      options: {
        rp: { name: 'Latchkey', id: this.rpId },
        user: { id: account.handle, name: account.email, displayName: account.name ?? account.email },
        challenge: flow.challenge,
        pubKeyCredParams: [
          { alg: -7, type: 'public-key' },
          { alg: -257, type: 'public-key' },
        ],
        timeout: this.passkeyTimeout,
        // The authenticators that already hold one of the account's passkeys refuse to make another.
        excludeCredentials: (user?.passkeys ?? []).map((p) => ({ id: p.credentialId, type: 'public-key', transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        attestation: 'none',
      },
      expires_at: new Date(flow.expiresAt).toISOString(),
    };
  }

  /**
   * A new credential checked as the broker checks it (challenge, type, user
   * verification, not registered already: `passkey_exists` when `owner` has it,
   * `passkey_rejected` when another account does), as a passkey to keep.
   */
  private checkRegistration(flow: PasskeyFlow, body: Record<string, unknown>, owner: FakeUser | null): StoredPasskey {
    const credential = registrationOf(body.credential);
    const name = passkeyName(body.name, false);
    const flags = checkCeremony(credential.response, 'webauthn.create', flow.challenge);
    if (!(flags & FLAG_UV)) throw problem('passkey_rejected');
    const holder = [...this.users.values()].find((u) => u.passkeys.some((p) => p.credentialId === credential.id));
    if (holder) throw problem(holder === owner ? 'passkey_exists' : 'passkey_rejected');
    const synced = Boolean(flags & FLAG_BE);
    return {
      id: `pk_${++this.passkeySeq}`,
      credentialId: credential.id,
      name: name ?? 'Passkey',
      created_at: new Date(this.clock()).toISOString(),
      last_used_at: null,
      device_type: synced ? 'multi-device' : 'single-device',
      backed_up: Boolean(flags & FLAG_BS),
      transports: (credential.response.transports ?? []) as PasskeyTransport[],
      aaguid: aaguidOf(credential.response.authenticatorData) ?? NO_AAGUID,
    };
  }

  /** The fake `fetch` the client is built with. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    if (this.latency) await new Promise((resolve) => setTimeout(resolve, this.latency));
    if (this.stalled.has(url.pathname)) {
      await new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }));
    }
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const scripted = this.failNext.get(url.pathname);
    if (scripted) this.failNext.delete(url.pathname);
    if (scripted === 'network') throw new TypeError('Failed to fetch');
    if (this.answerNext.has(url.pathname)) {
      const body = this.answerNext.get(url.pathname);
      this.answerNext.delete(url.pathname);
      return Response.json(body, { status: 200 });
    }
    try {
      if (scripted) throw problem(scripted);
      const accept = new Headers(init?.headers).get('accept');
      const answer = this.answer(method, url.pathname, init?.body ? JSON.parse(String(init.body)) : {}, url.searchParams, accept);
      if (answer.text !== undefined) return new Response(answer.text, { status: answer.status, headers: answer.headers });
      return answer.body === undefined ? new Response(null, { status: answer.status }) : Response.json(answer.body, { status: answer.status });
    } catch (error) {
      if (!(error instanceof FakeProblem)) throw error;
      const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
      if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
      return new Response(JSON.stringify(error.body), { status: error.body.status, headers });
    }
  };
}

/** The broker's strength rule in small (`weak-password.ts`): `weak_password` with the reason at the password field. */
function checkStrength(password: string, email: string, name?: string | null) {
  const reason = weakPasswordReason(password, email, name);
  if (reason) throw problem('weak_password', { errors: [weakPasswordError(reason)] });
}

/** The factor of a passkey sign-in: synced (a multi-device passkey) or bound to its device. */
function passkeyFactor(passkey: Passkey): Factor {
  return { method: 'passkey', synced: passkey.device_type === 'multi-device' };
}

/**
 * `amr` and `aal` as the broker derives them from a session's factors
 * (packages/broker/src/modules/sign-in/factors.ts), for the factors the fake
 * makes: a password `pwd`, an emailed code `email`, a passkey `swk` (synced) or
 * `hwk` with `user`, a social provider `fed`, TOTP `otp`, a recovery code `rc`;
 * `mfa` where a second factor passed besides another method's.
 * aal 2 for a passkey, or a password with TOTP or a recovery code; else 1.
 */
function derived(factors: Factor[]): { amr: string[]; aal: 1 | 2 } {
  const amr = factors.flatMap((factor): string[] => {
    switch (factor.method) {
      case 'pwd':
        return ['pwd'];
      case 'email_code':
        return ['email'];
      case 'passkey':
        return [factor.synced ? 'swk' : 'hwk', 'user'];
      case 'oauth':
        return ['fed'];
      case 'otp':
        return ['otp'];
      case 'recovery_code':
        return ['rc'];
    }
  });
  const has = (...methods: Factor['method'][]) => factors.some((f) => methods.includes(f.method));
  // `mfa`: a second factor (TOTP, recovery code, passkey) besides a factor of another method.
  const mfa = new Set(factors.map((f) => f.method)).size >= 2 && has('otp', 'recovery_code', 'passkey');
  return { amr: [...new Set(amr), ...(mfa ? ['mfa'] : [])], aal: has('passkey') || (has('pwd') && has('otp', 'recovery_code')) ? 2 : 1 };
}

/** The code an authenticator app enrolled in the fake shows, unless `options.totp` names the account's own. */
export const FAKE_APP_CODE = '123456';

/** A base32 TOTP secret (32 characters, as the broker's), the same for the same `n`, so snapshots stay put. */
function fakeTotpSecret(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from({ length: 32 }, (_, i) => alphabet[(n * 7 + i * 13 + ((i * i) % 11)) % 32]).join('');
}

/** A recovery code as the broker shows them (`xxxxx-xxxxx`, no look-alikes), the same for the same `n`. */
function fakeRecoveryCode(n: number): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from({ length: 10 }, (_, i) => alphabet[(n * 17 + i * 7 + ((n + i) * (i + 3)) % 13) % alphabet.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** A recovery code as the broker compares it: case, spaces and dashes ignored. */
function recoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

function wirePasskey({ credentialId: _, ...passkey }: StoredPasskey): Passkey {
  return { ...passkey, transports: [...passkey.transports] };
}

/** A passkey's name as the broker takes it: trimmed, 1 to 100 characters; `required` for a rename. */
function passkeyName(value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  const name = typeof value === 'string' ? value.trim() : '';
  const reason = !name ? 'Enter a name' : name.length > PASSKEY_NAME_MAX_LENGTH ? `At most ${PASSKEY_NAME_MAX_LENGTH} characters` : undefined;
  if (reason) throw problem('invalid_request', { errors: [{ path: 'name', message: reason }] });
  return name;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const badCredential = () => problem('invalid_request', { errors: [{ path: 'credential', message: 'Not a WebAuthn credential' }] });

interface CeremonyResponse {
  clientDataJSON: string;
  authenticatorData?: string;
}

/** A registration credential of the right shape (`RegistrationResponseJSON`), else `invalid_request`. */
function registrationOf(value: unknown) {
  const c = value as { id?: unknown; type?: unknown; response?: { clientDataJSON?: unknown; attestationObject?: unknown; authenticatorData?: unknown; transports?: unknown } } | null;
  if (!c || !isString(c.id) || c.type !== 'public-key' || !c.response || !isString(c.response.clientDataJSON) || !isString(c.response.attestationObject)) throw badCredential();
  const transports = Array.isArray(c.response.transports) ? c.response.transports.filter(isString) : [];
  const authenticatorData = isString(c.response.authenticatorData) ? c.response.authenticatorData : undefined;
  return { id: c.id, response: { clientDataJSON: c.response.clientDataJSON, authenticatorData, transports } };
}

/** An assertion of the right shape (`AuthenticationResponseJSON`), else `invalid_request`. */
function assertionOf(value: unknown) {
  const c = value as { id?: unknown; type?: unknown; response?: { clientDataJSON?: unknown; authenticatorData?: unknown; signature?: unknown; userHandle?: unknown } } | null;
  const r = c?.response;
  if (!c || !isString(c.id) || c.type !== 'public-key' || !r || !isString(r.clientDataJSON) || !isString(r.authenticatorData) || !isString(r.signature)) throw badCredential();
  return { id: c.id, response: { clientDataJSON: r.clientDataJSON, authenticatorData: r.authenticatorData, userHandle: isString(r.userHandle) ? r.userHandle : undefined } };
}

/**
 * Checks the client data is this ceremony's (type and challenge) and answers the
 * authenticator data's flags byte. Signatures are not checked: the fake
 * authenticator's are random bytes (see fake-authenticator.ts).
 */
function checkCeremony(response: CeremonyResponse, type: 'webauthn.create' | 'webauthn.get', challenge: string): number {
  let clientData: { type?: unknown; challenge?: unknown };
  try {
    clientData = JSON.parse(new TextDecoder().decode(fromBase64url(response.clientDataJSON)));
  } catch {
    throw problem('passkey_rejected');
  }
  if (clientData.type !== type || clientData.challenge !== challenge) throw problem('passkey_rejected');
  // A browser that gives no authenticator data on its own (it is in the attestation object) is taken as verified and device-bound.
  if (response.authenticatorData === undefined) return FLAG_UV;
  let data: Uint8Array;
  try {
    data = fromBase64url(response.authenticatorData);
  } catch {
    throw problem('passkey_rejected');
  }
  if (data.length < 37) throw problem('passkey_rejected');
  return data[32]!;
}

/** The authenticator model's AAGUID from authenticator data with attested credential data, as a UUID. */
function aaguidOf(authenticatorData: string | undefined): string | undefined {
  if (!authenticatorData) return undefined;
  const data = fromBase64url(authenticatorData);
  if (data.length < 53 || !(data[32]! & FLAG_AT)) return undefined;
  const hex = [...data.slice(37, 53)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
