import type { LatchkeyError } from './errors.js';
import type {
  CurrentSession,
  DoneStep,
  EmailCodeSignInRequest,
  EmailCodeStep,
  IdentifyRequest,
  PasskeyRegistrationRequest,
  PasskeyRegistrationStep,
  PasskeySignInOptionsRequest,
  PasskeySignInRequest,
  PasskeyStep,
  SignUpPasskeyOptionsRequest,
  PasswordResetFinishRequest,
  PasswordResetStartRequest,
  PasswordSignInRequest,
  OrgSwitch,
  PublicConfig,
  SocialSignInRequest,
  SsoRedirectStep,
  ResendCodeRequest,
  SessionInfo,
  SessionToken,
  SignUpRequest,
  Step,
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
  | { status: 'signed-in'; user: User; session: SessionInfo }
  /** The broker could not be asked (network, 5xx): show why and offer to `refresh()` again. */
  | { status: 'error'; error: LatchkeyError };

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
  /**
   * A session token for the host backend, reused until shortly before it
   * expires, acting in this tab's organization (`organization`). Once a switch
   * has started, it never answers a token of the organization left.
   */
  getToken(options?: CallOptions): Promise<string>;
  /**
   * This tab's organization: an id, null for the personal account, undefined
   * when the tab has chosen none (the session's own organization, where its
   * sign-in came through one). Kept per tab (sessionStorage), per broker.
   */
  readonly organization: string | null | undefined;
  /**
   * Switches this tab's organization (`POST /v1/session/org`): on success the
   * token minted for it is cached, the choice kept for this tab and subscribers
   * told. Refusals reject with the broker's problem (`not_found`,
   * `org_policy_unmet` with `requirement`, `forbidden`) and leave the tab where
   * it was. `breakGlass`: an owner gets in despite an unmet SSO or passkey
   * policy (recorded in the audit log).
   *
   * @example
   * await client.session.switchOrganization('org_acme');
   * const token = await client.session.getToken(); // org_id: org_acme
   */
  switchOrganization(orgId: string | null, options?: CallOptions & { breakGlass?: boolean }): Promise<OrgSwitch>;
}

/** Where a session store keeps the tab's organization: `sessionStorage` or anything shaped like it. */
export type TabStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** Options of `createSessionStore`. */
export interface SessionStoreOptions {
  /** Where the tab's organization is kept; default the page's `sessionStorage`, null: in memory only. */
  tabStorage?: TabStorage | null;
}

/**
 * Every broker call bound to one connection, plus its session store.
 * Elements talk to this interface only, so stories and tests inject a fake.
 *
 * Sign-in, sign-up and reset calls answer the broker's next `Step`; switch on
 * `step.step`. Calls typed `EmailCodeStep` can answer nothing else. A step this
 * client does not know rejects with `unsupported_step`.
 */
export interface LatchkeyClient {
  readonly connection: Connection;
  readonly session: SessionStore;
  identify(body: IdentifyRequest, options?: CallOptions): Promise<Step>;
  signInWithPassword(body: PasswordSignInRequest, options?: CallOptions): Promise<Step>;
  startEmailCodeSignIn(body: EmailCodeSignInRequest, options?: CallOptions): Promise<EmailCodeStep>;
  finishEmailCodeSignIn(body: VerifyCodeRequest, options?: CallOptions): Promise<Step>;
  startSignUp(body: SignUpRequest, options?: CallOptions): Promise<Step>;
  finishSignUp(body: VerifyCodeRequest, options?: CallOptions): Promise<Step>;
  startPasswordReset(body: PasswordResetStartRequest, options?: CallOptions): Promise<EmailCodeStep>;
  finishPasswordReset(body: PasswordResetFinishRequest, options?: CallOptions): Promise<Step>;
  resendEmailCode(body: ResendCodeRequest, options?: CallOptions): Promise<EmailCodeStep>;
  /** Passkey ceremonies of the sign-in and sign-up flows. Managing passkeys (list, add, rename, delete) is in the standalone calls, with `client.connection`. */
  startPasskeySignIn(body: PasskeySignInOptionsRequest, options?: CallOptions): Promise<PasskeyStep>;
  finishPasskeySignIn(body: PasskeySignInRequest, options?: CallOptions): Promise<Step>;
  restartPasskeySignUp(body: SignUpPasskeyOptionsRequest, options?: CallOptions): Promise<PasskeyRegistrationStep>;
  finishPasskeySignUp(body: PasskeyRegistrationRequest, options?: CallOptions): Promise<Step>;
  /** The social buttons and sign-in methods the broker offers (`GET /v1/config`). */
  getPublicConfig(options?: CallOptions): Promise<PublicConfig>;
  /** Where to send the page to sign in with a social provider. */
  startSocialSignIn(body: SocialSignInRequest, options?: CallOptions): Promise<SsoRedirectStep>;
  /** The flow's step after a trip to an identity provider (`lk_resume` in the URL); `no_flow` when there is none. */
  resumeSignIn(options?: CallOptions): Promise<Step>;
  /** Null when nobody is signed in. */
  getSession(options?: CallOptions): Promise<CurrentSession | null>;
  /**
   * A fresh token; `audience` picks another configured audience than the page's own origin, `org`
   * an organization (null: the personal account; the session store's `getToken()` passes the tab's).
   */
  getSessionToken(options?: CallOptions & { audience?: string; org?: string | null }): Promise<SessionToken>;
  signOut(options?: CallOptions): Promise<void>;
}
