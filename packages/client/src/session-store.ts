import { getSession, getSessionToken } from './calls/session.js';
import { LatchkeyError } from './errors.js';
import type { CallOptions, Connection, SessionState, SessionStore } from './types.js';
import type { DoneStep } from './wire/auth.js';
import type { CurrentSession } from './wire/session.js';

/** A cached token is replaced this long before it expires, so a request never carries a dying one. */
const TOKEN_EARLY_REFRESH_MS = 30_000;

/**
 * The signed-in state of one broker, for every component on a page. Other tabs
 * of the same broker follow sign-in and sign-out through a BroadcastChannel.
 *
 * @example
 * const store = createSessionStore(conn);
 * store.subscribe((state) => render(state));
 * await store.refresh();
 */
export function createSessionStore(conn: Connection, clock: () => number = Date.now): SessionStore {
  let state: SessionState = { status: 'loading' };
  const listeners = new Set<(state: SessionState) => void>();
  let token: { value: string; expiresAt: number; sid: string } | undefined;
  let pendingToken: Promise<string> | undefined;
  let pendingRefresh: Promise<SessionState> | undefined;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`latchkey:${conn.url}`) : undefined;

  function publish(next: SessionState, broadcast: boolean) {
    const sid = next.status === 'signed-in' ? next.session.id : undefined;
    if (token && token.sid !== sid) token = undefined;
    state = next;
    for (const listener of listeners) listener(state);
    if (broadcast) channel?.postMessage(next);
  }
  if (channel) channel.onmessage = (event: MessageEvent<SessionState>) => publish(event.data, false);

  const fromAnswer = (value: DoneStep | CurrentSession | null): SessionState =>
    value ? { status: 'signed-in', user: value.user, session: value.session } : { status: 'signed-out' };

  const store: SessionStore = {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
    refresh(options?: CallOptions) {
      // Several elements may ask at once on page load; one request answers them all.
      pendingRefresh ??= getSession(conn, options)
        .then((answer) => {
          publish(fromAnswer(answer), false);
          return state;
        })
        .finally(() => {
          pendingRefresh = undefined;
        });
      return pendingRefresh;
    },
    set(value) {
      publish(fromAnswer(value), true);
    },
    getToken(options?: CallOptions) {
      if (token && token.expiresAt - TOKEN_EARLY_REFRESH_MS > clock()) return Promise.resolve(token.value);
      pendingToken ??= getSessionToken(conn, options)
        .then(({ token: value, expires_at }) => {
          if (state.status === 'signed-in') token = { value, expiresAt: Date.parse(expires_at), sid: state.session.id };
          return value;
        })
        .catch((error: unknown) => {
          if (error instanceof LatchkeyError && error.code === 'unauthenticated') publish({ status: 'signed-out' }, true);
          throw error;
        })
        .finally(() => {
          pendingToken = undefined;
        });
      return pendingToken;
    },
  };
  return store;
}
