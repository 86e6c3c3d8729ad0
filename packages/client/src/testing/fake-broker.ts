import type { DoneStep, EmailCodeStep, PasswordStep, ProblemCode, SessionInfo, SignInMethod, User } from '../wire/index.js';

/** One request as the fake broker saw it. */
export interface SeenRequest {
  method: string;
  /** Path after the connection's base URL, e.g. `/v1/session`. */
  path: string;
  url: string;
  body: unknown;
  credentials: RequestCredentials | undefined;
  contentType: string | null;
  signal: AbortSignal | undefined;
}

export type Answer = (request: SeenRequest) => Response | Promise<Response>;

/**
 * A fetch that plays the broker for client tests: each `METHOD /path` has a
 * queue of answers, taken in order. A call nobody scripted, or one without the
 * session cookie (`credentials: 'include'`), gets what the broker would answer:
 * 404 `not_found`, 401 `unauthenticated`.
 */
export function fakeBroker(base: string, script: Record<string, Answer | Answer[]> = {}) {
  const queues = new Map(Object.entries(script).map(([route, answers]) => [route, Array.isArray(answers) ? [...answers] : [answers]]));
  const seen: SeenRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    if (!url.startsWith(`${base}/`)) throw new TypeError(`fake broker: ${url} is not under ${base}`);
    const request: SeenRequest = {
      method: init.method ?? 'GET',
      path: url.slice(base.length),
      url,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body ?? undefined,
      credentials: init.credentials,
      contentType: new Headers(init.headers).get('content-type'),
      signal: init.signal ?? undefined,
    };
    seen.push(request);
    if (request.credentials !== 'include') return problem('unauthenticated', 401)(request);
    const answer = queues.get(`${request.method} ${request.path}`)?.shift();
    return (answer ?? problem('not_found', 404))(request);
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    seen,
    /** `METHOD /path` of every request so far. */
    routes: () => seen.map((r) => `${r.method} ${r.path}`),
    /** Queues more answers for a route. */
    script(route: string, ...answers: Answer[]) {
      queues.set(route, [...(queues.get(route) ?? []), ...answers]);
    },
  };
}

/** A JSON answer. */
export const json =
  (body: unknown, status = 200): Answer =>
  () =>
    Response.json(body, { status });

/** A problem+json answer exactly as the broker writes it. */
export const problem =
  (code: ProblemCode, status: number, extra: Record<string, unknown> = {}): Answer =>
  () =>
    new Response(JSON.stringify({ type: `urn:latchkey:problem:${code}`, code, title: `Title of ${code}`, status, ...extra }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });

export const noContent = (): Answer => () => new Response(null, { status: 204 });

/** An answer the test releases by hand, to hold requests in flight. */
export function held() {
  let release!: (answer: Answer) => void;
  const ready = new Promise<Answer>((resolve) => (release = resolve));
  const answer: Answer = async (request) => (await ready)(request);
  return { answer, release };
}

let brokers = 0;
/**
 * A broker URL no other test uses: session stores of one URL talk to each other
 * over BroadcastChannel, and stores of earlier tests are still listening.
 */
export const uniqueBrokerUrl = () => `https://auth-${++brokers}.test`;

export const ada: User = { id: 'usr_ada', email: 'ada@example.com', email_verified: true, name: 'Ada', created_at: '2026-11-24T12:00:00.000Z' };
export const bob: User = { id: 'usr_bob', email: 'bob@example.com', email_verified: true, name: null, created_at: '2026-11-24T12:00:00.000Z' };
export const sessionOf = (id: string, amr = ['pwd']): SessionInfo => ({
  id,
  amr,
  factors: [{ method: 'pwd', at: '2026-11-24T12:00:00.000Z' }],
  aal: 1,
  org_id: null,
  created_at: '2026-11-24T12:00:00.000Z',
  expires_at: '2026-12-24T12:00:00.000Z',
});
export const doneFor = (user: User, sessionId: string): DoneStep => ({ step: 'done', user, session: sessionOf(sessionId), return_to: null });

/** The password step the broker answers `identify` with for `email`. */
export const passwordStepFor = (email: string, methods: SignInMethod[] = ['password', 'email-code']): PasswordStep => ({ step: 'password', email, methods });

/** An email-code step of flow `flw_1`, as every email-code start and resend answers. */
export const codeStepFor = (email: string, purpose: EmailCodeStep['purpose'], extra: Partial<EmailCodeStep> = {}): EmailCodeStep => ({
  step: 'email-code',
  flow_id: 'flw_1',
  email,
  purpose,
  methods: purpose === 'sign-in' ? ['password', 'email-code'] : [],
  expires_at: '2026-11-24T12:10:00.000Z',
  resend_after: '2026-11-24T12:01:00.000Z',
  attempts_left: 5,
  ...extra,
});
