import { switchOrganization as switchOrganizationCall } from './calls/orgs.js';
import { getSession, getSessionToken } from './calls/session.js';
import { LatchkeyError } from './errors.js';
import type { CallOptions, Connection, SessionState, SessionStore, SessionStoreOptions, TabStorage } from './types.js';
import type { DoneStep } from './wire/auth.js';
import type { OrgSwitch } from './wire/orgs.js';
import type { CurrentSession } from './wire/session.js';

/** A cached token is replaced this long before it expires, so a request never carries a dying one. */
const TOKEN_EARLY_RENEWAL_MS = 30_000;
/** The wire contract caps a token at 5 minutes; see `cacheUntil`. */
const TOKEN_MAX_LIFETIME_MS = 300_000;

const fromAnswer = (value: DoneStep | CurrentSession | null): SessionState =>
  value ? { status: 'signed-in', user: value.user, session: value.session } : { status: 'signed-out' };

/** Who the state is about: a cached token belongs to exactly one user and session. */
const identityOf = (state: SessionState) => (state.status === 'signed-in' ? `${state.user.id} ${state.session.id}` : undefined);

/**
 * `expires_at` is the broker's clock. A browser clock running behind would keep
 * a token past its real expiry, so the cache also ends 5 minutes (the most a
 * token lives) after it arrived, minus the renewal margin.
 */
const cacheUntil = (expiresAt: string, receivedAt: number) =>
  Math.min(Date.parse(expiresAt), receivedAt + TOKEN_MAX_LIFETIME_MS) - TOKEN_EARLY_RENEWAL_MS;

/** Another tab's message, checked before it is believed (any script of the origin can post). */
function isSessionState(data: unknown): data is SessionState {
  if (typeof data !== 'object' || data === null) return false;
  const state = data as { status?: unknown; user?: { id?: unknown }; session?: { id?: unknown } };
  if (state.status === 'signed-out') return true;
  return state.status === 'signed-in' && typeof state.user?.id === 'string' && typeof state.session?.id === 'string';
}

/**
 * This tab's organization as it is kept: the id (null: the personal account)
 * and the user who chose it, so a choice never carries over to another user
 * signing in in this tab.
 */
interface OrgChoice {
  org: string | null;
  user: string | null;
}

const isOrgChoice = (value: unknown): value is OrgChoice => {
  if (typeof value !== 'object' || value === null) return false;
  const { org, user } = value as Partial<OrgChoice>;
  return (org === null || typeof org === 'string') && (user === null || typeof user === 'string');
};

/** The page's sessionStorage (one per tab), or null where it cannot be used (a sandboxed frame, storage turned off, Node). */
function pageTabStorage(): TabStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Lets one caller stop waiting for a request other callers share, without
 * aborting it for them: the caller's promise rejects with the signal's AbortError.
 */
function untilAborted<T>(shared: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The signed-in state of one broker, shared by every component on a page.
 *
 * - `state` starts as `loading` until `refresh()` or `set()` says otherwise; a
 *   failed `refresh()` (network, 5xx) rejects and, unless a sign-in or sign-out
 *   happened meanwhile, the state becomes `{ status: 'error', error }`, so a page
 *   never waits on "loading" for ever. A `refresh()` from there shows `loading` again.
 * - `getToken()` reuses a session token until 30 s before it expires, shares one
 *   request between concurrent callers, and forgets the token when the user or
 *   session changes. A 401 from the broker means the session is gone: the state
 *   becomes `signed-out`.
 * - Tabs of the same broker follow each other's sign-in and sign-out through a
 *   `BroadcastChannel` where the browser has one.
 * - The active organization is the tab's (issue 24 §3): `switchOrganization()`
 *   asks the broker (`POST /v1/session/org`), keeps the token it minted, and
 *   remembers the choice in this tab's sessionStorage (one key per broker URL),
 *   so a reload keeps it and another tab keeps its own; `getToken()` asks for
 *   the tab's organization (`?org=`). From the moment a switch starts, no token
 *   of the previous organization is handed out, not even by a `getToken()`
 *   already waiting. Another tab's sign-in or sign-out never changes it; a
 *   choice made by another user does not apply (the session's own instead).
 *
 * @example
 * const store = createSessionStore(connect({ url: 'https://auth.example.com' }));
 * const unsubscribe = store.subscribe((state) => render(state));
 * await store.refresh();
 * const token = await store.getToken();
 * await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
 */
export function createSessionStore(conn: Connection, options: SessionStoreOptions = {}): SessionStore {
  let state: SessionState = { status: 'loading' };
  const listeners = new Set<(state: SessionState) => void>();
  /** Bumps on every state change, so answers to requests sent before it are ignored. */
  let version = 0;
  let pendingRefresh: Promise<SessionState> | undefined;
  /** `org`: what the token acts in (undefined: the session's own organization). */
  let token: { value: string; until: number; org: string | null | undefined } | undefined;
  let pendingToken: { org: string | null | undefined; request: Promise<string> } | undefined;

  const tabStorage = options.tabStorage === undefined ? pageTabStorage() : options.tabStorage;
  const choiceKey = `latchkey:org:${conn.url}`;
  let choice = readChoice();
  /** The latest switch on its way (settled once its answer is applied or refused), and how many were started. */
  let switching: Promise<unknown> | undefined;
  let switches = 0;

  function readChoice(): OrgChoice | undefined {
    try {
      const raw = tabStorage?.getItem(choiceKey);
      const parsed: unknown = raw ? JSON.parse(raw) : undefined;
      return isOrgChoice(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  function keepChoice(next: OrgChoice) {
    choice = next;
    try {
      tabStorage?.setItem(choiceKey, JSON.stringify(next));
    } catch {
      // Full or refused storage: the choice holds for this page's life.
    }
  }

  /** The tab's organization for the user signed in now: undefined when none was chosen, or another user chose it. */
  function activeOrganization(): string | null | undefined {
    if (!choice) return undefined;
    const user = state.status === 'signed-in' ? state.user.id : undefined;
    if (user !== undefined && choice.user !== null && choice.user !== user) return undefined;
    return choice.org;
  }

  const notify = () => {
    for (const listener of [...listeners]) listener(state);
  };

  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`latchkey:${conn.url}`) : undefined;
  // Node has BroadcastChannel too, and an open one would keep a script alive forever.
  (channel as { unref?: () => void } | undefined)?.unref?.();
  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isSessionState(event.data)) update(event.data, false);
    };
  }

  function update(next: SessionState, broadcast: boolean) {
    if (identityOf(next) !== identityOf(state)) {
      // A token (or one on its way) belongs to the previous user and session.
      token = undefined;
      pendingToken = undefined;
    }
    version++;
    state = next;
    notify();
    if (broadcast) channel?.postMessage(state);
  }

  /** A 401 answer: the session is gone, unless `stillCurrent()` says another took over meanwhile. */
  function signedOutBy(error: unknown, stillCurrent: boolean) {
    if (error instanceof LatchkeyError && error.code === 'unauthenticated' && stillCurrent && state.status !== 'signed-out') update({ status: 'signed-out' }, true);
  }

  function fetchToken(org: string | null | undefined): Promise<string> {
    // `pendingToken?.request === request` below means no other user, session or
    // organization took over meanwhile (each forgets the pending request).
    const request: Promise<string> = getSessionToken(conn, org === undefined ? undefined : { org })
      .then(({ token: value, expires_at }) => {
        if (pendingToken?.request === request) token = { value, until: cacheUntil(expires_at, Date.now()), org };
        return value;
      })
      .catch((error: unknown) => {
        // A 401 for a previous session says nothing about the one signed in since.
        signedOutBy(error, pendingToken?.request === request);
        throw error;
      })
      .finally(() => {
        if (pendingToken?.request === request) pendingToken = undefined;
      });
    return request;
  }

  async function getToken(options?: CallOptions): Promise<string> {
    for (;;) {
      // A switch on its way decides the organization (and brings its token): wait for it.
      while (switching) await untilAborted(switching, options?.signal);
      const org = activeOrganization();
      if (token && token.org === org && Date.now() < token.until) return token.value;
      // One request for callers that ask at the same time, for the same organization.
      if (!pendingToken || pendingToken.org !== org) pendingToken = { org, request: fetchToken(org) };
      const value = await untilAborted(pendingToken.request, options?.signal);
      // A switch started (or the tab's organization changed) while this token was on its way: it is the old one's.
      if (!switching && activeOrganization() === org) return value;
    }
  }

  function switchOrganization(orgId: string | null, options: CallOptions & { breakGlass?: boolean } = {}): Promise<OrgSwitch> {
    const started = ++switches;
    // From now on no token of the organization being left is handed out.
    token = undefined;
    pendingToken = undefined;
    const body = options.breakGlass ? { org_id: orgId, break_glass: true } : { org_id: orgId };
    const request = switchOrganizationCall(conn, body, { signal: options.signal }).then(
      (answer) => {
        // A later switch overtook this one: its answer is the tab's, not this one's.
        if (started === switches) {
          keepChoice({ org: orgId, user: state.status === 'signed-in' ? state.user.id : null });
          token = { value: answer.token.token, until: cacheUntil(answer.token.expires_at, Date.now()), org: orgId };
          notify();
        }
        return answer;
      },
      (error: unknown) => {
        signedOutBy(error, started === switches);
        throw error;
      },
    );
    const settled: Promise<unknown> = request
      .catch(() => undefined)
      .finally(() => {
        if (switching === settled) switching = undefined;
      });
    switching = settled;
    return request;
  }

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => {
        listeners.delete(listener);
      };
    },
    refresh(options?: CallOptions) {
      if (!pendingRefresh) {
        if (state.status === 'error') update({ status: 'loading' }, false);
        const sentAt = version;
        // Several elements ask at once on page load; one request answers them all.
        // It runs without any one caller's signal, so one caller aborting does not fail the others.
        pendingRefresh = getSession(conn)
          .then((answer) => {
            // A sign-in or sign-out that happened meanwhile is newer than this answer.
            if (sentAt === version) update(fromAnswer(answer), false);
            return state;
          })
          .catch((error: unknown) => {
            if (sentAt === version) {
              const reason = error instanceof LatchkeyError ? error : new LatchkeyError('network_error', 'the session could not be read', { cause: error });
              update({ status: 'error', error: reason }, false);
            }
            throw error;
          })
          .finally(() => {
            pendingRefresh = undefined;
          });
      }
      return untilAborted(pendingRefresh, options?.signal);
    },
    set(value) {
      update(fromAnswer(value), true);
    },
    get organization() {
      return activeOrganization();
    },
    getToken,
    switchOrganization,
  };
}
