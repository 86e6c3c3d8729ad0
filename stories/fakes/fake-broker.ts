import { createClient, type EmailCodeStep, type LatchkeyClient, type Problem, type ProblemCode, type SignInMethod, type Step } from '@latchkey/client';

/**
 * An in-memory broker behind a fake `fetch`, for stories and element tests.
 * The elements run the real `@latchkey/client` against it, so what they see is
 * what the broker's wire contract says: the same steps, problem codes and
 * statuses. Scripted failures, answers and latency show every state.
 */
export interface FakeBrokerOptions {
  /** Milliseconds each answer waits (to see loading states). */
  latency?: number;
  /** Accounts that exist from the start: email -> password. */
  accounts?: Record<string, string>;
  /** Someone signed in from the start. */
  signedInAs?: string;
  /**
   * How addresses may sign in, first method first (default password, then
   * email code). `identify` answers with the first: an `email-code` first
   * broker mails the code straight away.
   */
  methods?: SignInMethod[];
  /**
   * The host page's origin: the `aud` of minted tokens, as the broker mints for a
   * page origin it serves (default: this page's origin, else the fake's own URL).
   */
  origin?: string;
}

/** Wrong codes a flow takes, as on the broker. */
const MAX_ATTEMPTS = 5;

/** What a flow mails, as on the broker: a code, a notice to an account's owner, or nothing. */
type FlowMail = 'code' | 'already-registered' | 'nothing';

interface Flow {
  id: string;
  purpose: 'sign-up' | 'sign-in' | 'password-reset';
  email: string;
  /** Null for a flow that mails no code: no code redeems it. */
  code: string | null;
  /** Unset (a flow a test sets up by hand): a code when `code` is set, else nothing. */
  mails?: FlowMail;
  attempts: number;
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
  amr: string[];
}

export class FakeBroker {
  readonly url = 'https://fake-broker.latchkey.test';
  readonly users = new Map<string, { id: string; email: string; password: string; name: string | null }>();
  readonly flows = new Map<string, Flow>();
  /** Mail sent, newest last: a code, or null for the notice that the address already has an account. */
  readonly mail: Array<{ to: string; code: string | null }> = [];
  /** The next call to this path answers with this problem instead (one shot). */
  readonly failNext = new Map<string, ProblemCode | 'network'>();
  /** The next call to this path answers 200 with this body instead (one shot), e.g. a step of a newer protocol. */
  readonly answerNext = new Map<string, unknown>();
  readonly requests: string[] = [];
  private current: Session | null = null;
  private seq = 0;
  // Apart from `seq`, so sessions leave the codes stories type (and snapshot) unchanged.
  private sessionSeq = 0;

  private readonly methods: SignInMethod[];

  constructor(private readonly options: FakeBrokerOptions = {}) {
    this.methods = options.methods ?? ['password', 'email-code'];
    for (const [email, password] of Object.entries(options.accounts ?? {})) this.addUser(email, password, null);
    const signedIn = options.signedInAs === undefined ? undefined : this.users.get(options.signedInAs);
    if (signedIn) this.current = this.openSession(signedIn.id, ['pwd']);
  }

  /** A client wired to this broker, as `<lk-config>` or the `client` property takes it. */
  client(): LatchkeyClient {
    return createClient({ url: this.url, fetch: this.fetch });
  }

  /** The last code mailed to `email`. */
  lastCode(email: string): string {
    const code = [...this.mail].reverse().find((m) => m.to === email)?.code;
    if (!code) throw new Error(`no code mailed to ${email}`);
    return code;
  }

  private addUser(email: string, password: string, name: string | null) {
    const user = { id: `usr_${++this.seq}`, email, password, name };
    this.users.set(email, user);
    return user;
  }

  private openSession(userId: string, amr: string[]): Session {
    return { id: `ses_${++this.sessionSeq}`, userId, amr };
  }

  private done(email: string, amr: string[]) {
    const user = this.users.get(email)!;
    this.current = this.openSession(user.id, amr);
    return { status: 200, body: { step: 'done', user: this.wireUser(user), session: this.wireSession(this.current), return_to: null } satisfies Step };
  }

  private wireUser(u: { id: string; email: string; name: string | null }) {
    return { id: u.id, email: u.email, email_verified: true, name: u.name, created_at: '2026-11-24T12:00:00.000Z' };
  }

  private wireSession(session: Session) {
    return { id: session.id, amr: session.amr, created_at: '2026-11-24T12:00:00.000Z', expires_at: '2026-12-24T12:00:00.000Z' };
  }

  /**
   * A token with the broker's header and claims. The signature is random bytes of an
   * ES256 signature's size: nothing verifies it here, and WebCrypto signing would
   * fail on an insecure origin (Storybook opened over a LAN address).
   */
  private mintToken(session: Session) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + TOKEN_TTL_SECONDS;
    const header = { alg: 'ES256', kid: 'key_fake', typ: 'lk-session+jwt' };
    const claims = {
      sid: session.id,
      amr: session.amr,
      org_id: null,
      org_role: null,
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

  private checkCode(flowId: string, code: string, purpose: Flow['purpose']): Flow {
    const flow = this.flows.get(flowId);
    if (!flow || flow.used || flow.purpose !== purpose) throw problem('code_expired');
    if (flow.attempts >= MAX_ATTEMPTS) throw problem('too_many_attempts');
    if (flow.code === null || flow.code !== code) {
      flow.attempts++;
      throw flow.attempts >= MAX_ATTEMPTS ? problem('too_many_attempts') : problem('invalid_code', { attempts_left: MAX_ATTEMPTS - flow.attempts });
    }
    flow.used = true;
    return flow;
  }

  /** The routes, as the broker answers them. */
  private answer(method: string, path: string, body: Record<string, string>): { status: number; body?: unknown } {
    const email = body.email?.trim().toLowerCase();
    const mailsTo = (address: string): FlowMail => (this.users.has(address) ? 'code' : 'nothing');
    switch (`${method} ${path}`) {
      case 'POST /v1/sign-in/identify':
        // The same answer for every address; an email-code first broker has mailed the code (if there is an account).
        if (this.methods[0] === 'email-code') return { ...this.startFlow('sign-in', email!, mailsTo(email!)), status: 200 };
        return { status: 200, body: { step: 'password', email: email!, methods: this.methods } satisfies Step };
      case 'POST /v1/sign-in/password': {
        const user = this.users.get(email!);
        if (!user || user.password !== body.password) throw problem('invalid_credentials');
        return this.done(user.email, ['pwd']);
      }
      case 'POST /v1/sign-in/email-code':
        return this.startFlow('sign-in', email!, mailsTo(email!));
      case 'POST /v1/sign-in/email-code/verify': {
        const flow = this.checkCode(body.flow_id!, body.code!, 'sign-in');
        return this.done(flow.email, ['otp']);
      }
      case 'POST /v1/sign-up': {
        checkStrength(body.password ?? '', email!);
        // As on the broker: a taken address gets the same answer, and its owner a notice instead of a code.
        const mails = this.users.has(email!) ? 'already-registered' : 'code';
        return this.startFlow('sign-up', email!, mails, { password: body.password!, name: body.name ?? null });
      }
      case 'POST /v1/sign-up/verify': {
        const flow = this.checkCode(body.flow_id!, body.code!, 'sign-up');
        this.addUser(flow.email, flow.password!, flow.name ?? null);
        return { ...this.done(flow.email, ['pwd']), status: 201 };
      }
      case 'POST /v1/password-reset':
        return this.startFlow('password-reset', email!, mailsTo(email!));
      case 'POST /v1/password-reset/finish': {
        // As on the broker: the flow must be open, then a weak password is refused before the code is tried.
        const open = this.flows.get(body.flow_id!);
        if (!open || open.used || open.purpose !== 'password-reset') throw problem('code_expired');
        checkStrength(body.password ?? '', open.email);
        const flow = this.checkCode(body.flow_id!, body.code!, 'password-reset');
        this.users.get(flow.email)!.password = body.password!;
        this.current = null;
        return { status: 200, body: { step: 'password', email: flow.email, methods: this.methods, notice: 'password-reset' } satisfies Step };
      }
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
      case 'GET /v1/session': {
        const session = this.current;
        const user = session && [...this.users.values()].find((u) => u.id === session.userId);
        if (!session || !user) throw problem('unauthenticated');
        return { status: 200, body: { user: this.wireUser(user), session: this.wireSession(session) } };
      }
      case 'POST /v1/session/token':
        if (!this.current) throw problem('unauthenticated');
        return { status: 200, body: this.mintToken(this.current) };
      case 'POST /v1/sign-out':
        this.current = null;
        return { status: 204 };
      default:
        throw problem('not_found');
    }
  }

  /** The fake `fetch` the client is built with. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    if (this.options.latency) await new Promise((resolve) => setTimeout(resolve, this.options.latency));
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
      const answer = this.answer(method, url.pathname, init?.body ? JSON.parse(String(init.body)) : {});
      return answer.body === undefined ? new Response(null, { status: answer.status }) : Response.json(answer.body, { status: answer.status });
    } catch (error) {
      if (!(error instanceof FakeProblem)) throw error;
      const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
      if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
      return new Response(JSON.stringify(error.body), { status: error.body.status, headers });
    }
  };
}

const STATUS: Partial<Record<ProblemCode, number>> = { invalid_credentials: 401, unauthenticated: 401, rate_limited: 429, not_found: 404, forbidden_origin: 403, internal_error: 500 };

class FakeProblem extends Error {
  constructor(
    readonly body: Problem,
    /** Sent as `Retry-After`, as the broker does with every `rate_limited`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.code);
  }
}

/** A scripted `rate_limited` (failNext) waits as long as the broker's 15-minute password window. */
const SCRIPTED_RETRY_AFTER_SECONDS = 900;

/** The broker's strength rule in short: at least 8 characters and not the address; the problem names the field. */
function checkStrength(password: string, email: string) {
  const folded = password.normalize('NFKC').toLowerCase();
  const reason =
    [...password].length < 8
      ? 'Use at least 8 characters'
      : folded === email || folded === email.split('@')[0]
        ? 'This password is too easy to guess'
        : undefined;
  if (reason) throw problem('weak_password', { errors: [{ path: 'password', message: reason }] });
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function problem(code: ProblemCode, extra: Partial<Problem> = {}, retryAfterSeconds = code === 'rate_limited' ? SCRIPTED_RETRY_AFTER_SECONDS : undefined) {
  return new FakeProblem({ type: `urn:latchkey:problem:${code}`, code, title: `fake ${code}`, status: STATUS[code] ?? 400, ...extra }, retryAfterSeconds);
}
