import type { EmailCodeStep } from './auth.js';
import type { PasskeyAssertionJSON, PasskeyStep } from './passkeys.js';

/**
 * Wire types of step-up (issue 23 §4): a signed-in user proves a factor again
 * before a sensitive change (a passkey, a second factor, a connected account,
 * a password or email, an organization's security settings). A route that
 * needs it answers 403 `reauthentication_required` when the session's last
 * factor is older than the broker's window (`stepUp.maxAgeSeconds`, 10 minutes
 * by default), or, for an account with an authenticator app, when no second
 * factor is that recent. Each proof below is appended to the session's
 * `factors`; the session keeps its id and cookie.
 */

/**
 * What the account can prove itself with. With an authenticator app only a
 * second factor counts: `totp`, `recovery-code` (while some are left),
 * `passkey` (if it has one). Otherwise `password` (if it has one), `passkey`
 * (if it has one) and `email-code` (to its own address).
 */
export type StepUpMethod = 'password' | 'totp' | 'recovery-code' | 'passkey' | 'email-code';

/**
 * POST /v1/step-up (signed in, body `{}`) -> 200. `flow_id` is the step-up of
 * this session in this browser, which the password and code answers name;
 * wrong answers are counted on it (`attempts_left`) and on the account's
 * budgets, without locking the account's sign-in.
 */
export interface StepUpChallenge {
  flow_id: string;
  methods: StepUpMethod[];
  /** The account's address, where `email-code` sends its code. */
  email: string;
  /** ISO 8601; the flow is refused after this (start another). */
  expires_at: string;
  attempts_left: number;
}

/** POST /v1/step-up/password -> 200 SessionInfo. A wrong password fails with `invalid_credentials` and `attempts_left`. */
export interface StepUpPasswordRequest {
  flow_id: string;
  password: string;
}

/** POST /v1/step-up/code -> 200 SessionInfo. A wrong code fails with `invalid_code` and `attempts_left`. */
export interface StepUpCodeRequest {
  flow_id: string;
  method: 'totp' | 'recovery-code';
  /** TOTP: six digits. Recovery code: as shown (case, spaces and dashes ignored). */
  code: string;
}

/** POST /v1/step-up/passkey/options (body `{}`) -> 200 PasskeyStep: a challenge for the user's own passkeys. */
export type StepUpPasskeyOptions = PasskeyStep;

/** POST /v1/step-up/passkey -> 200 SessionInfo: that step's `flow_id` and the assertion. */
export interface StepUpPasskeyRequest {
  flow_id: string;
  credential: PasskeyAssertionJSON;
}

/** POST /v1/step-up/email-code (body `{}`) -> 200 EmailCodeStep (`purpose: 'step-up'`): a code mailed to the account's address. */
export type StepUpEmailCodeStep = EmailCodeStep;

/** POST /v1/step-up/email-code/verify -> 200 SessionInfo. A wrong code fails with `invalid_code` and `attempts_left`. */
export interface StepUpEmailCodeRequest {
  flow_id: string;
  code: string;
}
