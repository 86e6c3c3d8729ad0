import { getSession, getSessionToken } from './calls/session.js';
import { LatchkeyError } from './errors.js';
import type { CallOptions, Connection, SessionState, SessionStore } from './types.js';
import type { DoneStep } from './wire/auth.js';
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
 *
 * @example
 * const store = createSessionStore(connect({ url: 'https://auth.example.com' }));
 * const unsubscribe = store.subscribe((state) => render(state));
 * await store.refresh();
 * const token = await store.getToken();
 * await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
 */
export function createSessionStore(conn: Connection): SessionStore {
  let state: SessionState = { status: 'loading' };
  const listeners = new Set<(state: SessionState) => void>();
  /** Bumps on every state change, so answers to requests sent before it are ignored. */
  let version = 0;
  let pendingRefresh: Promise<SessionState> | undefined;
  let token: { value: string; until: number } | undefined;
  let pendingToken: Promise<string> | undefined;

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
    for (const listener of [...listeners]) listener(state);
    if (broadcast) channel?.postMessage(state);
  }

  function fetchToken(): Promise<string> {
    // `pendingToken === request` below means no other user or session took over
    // meanwhile (`update` forgets the pending request when one does).
    const request: Promise<string> = getSessionToken(conn)
      .then(({ token: value, expires_at }) => {
        if (pendingToken === request) token = { value, until: cacheUntil(expires_at, Date.now()) };
        return value;
      })
      .catch((error: unknown) => {
        // A 401 for a previous session says nothing about the one signed in since.
        if (error instanceof LatchkeyError && error.code === 'unauthenticated' && pendingToken === request && state.status !== 'signed-out') {
          update({ status: 'signed-out' }, true);
        }
        throw error;
      })
      .finally(() => {
        if (pendingToken === request) pendingToken = undefined;
      });
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
    getToken(options?: CallOptions) {
      if (token && Date.now() < token.until) return Promise.resolve(token.value);
      pendingToken ??= fetchToken();
      return untilAborted(pendingToken, options?.signal);
    },
  };
}
