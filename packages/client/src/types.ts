import type {
  CurrentSession,
  DoneStep,
  EmailCodeSignInRequest,
  EmailCodeStep,
  IdentifyRequest,
  PasswordResetFinishRequest,
  PasswordResetStartRequest,
  PasswordSignInRequest,
  PasswordStep,
  ResendCodeRequest,
  SessionInfo,
  SessionToken,
  SignUpRequest,
  User,
  VerifyCodeRequest,
} from './wire/index.js';

/** Where the broker is and how to reach it. Made by `connect()`. */
export interface Connection {
  /** Base URL of the broker, without a trailing slash, e.g. `https://auth.example.com`. */
  readonly url: string;
  /** The fetch used for every call (always with `credentials: 'include'`). */
  readonly fetch: typeof fetch;
}

/** Options every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** What the session store knows. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User; session: SessionInfo };

/**
 * The signed-in state of one broker, shared by every component on the page.
 * Components subscribe; sign-in and sign-out through the client update it.
 */
export interface SessionStore {
  readonly state: SessionState;
  /** Called now with the current state and on every change; returns unsubscribe. */
  subscribe(listener: (state: SessionState) => void): () => void;
  /** Asks the broker (GET /v1/session) and updates the state. */
  refresh(options?: CallOptions): Promise<SessionState>;
  /** Sets the state from a sign-in answer, a session, or null for signed out. */
  set(value: DoneStep | CurrentSession | null): void;
  /** A session token for the host backend, reused until shortly before it expires. */
  getToken(options?: CallOptions): Promise<string>;
}

/**
 * Every broker call bound to one connection, plus its session store.
 * Elements talk to this interface only, so stories and tests inject a fake.
 */
export interface LatchkeyClient {
  readonly connection: Connection;
  readonly session: SessionStore;
  identify(body: IdentifyRequest, options?: CallOptions): Promise<PasswordStep>;
  signInWithPassword(body: PasswordSignInRequest, options?: CallOptions): Promise<DoneStep>;
  startEmailCodeSignIn(body: EmailCodeSignInRequest, options?: CallOptions): Promise<EmailCodeStep>;
  finishEmailCodeSignIn(body: VerifyCodeRequest, options?: CallOptions): Promise<DoneStep>;
  startSignUp(body: SignUpRequest, options?: CallOptions): Promise<EmailCodeStep>;
  finishSignUp(body: VerifyCodeRequest, options?: CallOptions): Promise<DoneStep>;
  startPasswordReset(body: PasswordResetStartRequest, options?: CallOptions): Promise<EmailCodeStep>;
  finishPasswordReset(body: PasswordResetFinishRequest, options?: CallOptions): Promise<PasswordStep>;
  resendEmailCode(body: ResendCodeRequest, options?: CallOptions): Promise<EmailCodeStep>;
  /** Null when nobody is signed in (401). */
  getSession(options?: CallOptions): Promise<CurrentSession | null>;
  getSessionToken(options?: CallOptions): Promise<SessionToken>;
  signOut(options?: CallOptions): Promise<void>;
}
