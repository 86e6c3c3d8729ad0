import type { TemplateResult } from 'lit';
import type { DoneStep, EmailCodeStep, IdpErrorStep, MfaEnrollStep, MfaStep, PasskeyReview, PasswordStep, SsoRedirectStep } from '@latchkey/client';
import type { StepRequest } from '../internal/controllers/flow-controller.js';
import type { FormState } from '../internal/templates/form-state.js';

/** The steps of signing in, as this element shows them. */
export type SignInView =
  | { name: 'identifier'; email?: string; step?: undefined }
  | { name: 'password'; step: PasswordStep }
  | { name: 'email-code'; step: EmailCodeStep }
  /** `back` is the password step "Back to sign in" returns to. */
  | { name: 'reset'; step: EmailCodeStep; back: PasswordStep }
  /** After a reset, the account's passkeys to check (`step.review`), then the password step "Continue to sign in" shows. */
  | { name: 'passkey-review'; step: PasswordStep & { review: PasskeyReview } }
  /** Leaving for an identity provider (a social button, or the address's organization): the element navigates at once. */
  | { name: 'sso-redirect'; step: SsoRedirectStep }
  /** Back from an identity provider without a session: why, and a way back. */
  | { name: 'idp-error'; step: IdpErrorStep }
  /** The first factor passed; the account's second factor next: the authenticator app's code (default) or a recovery code. */
  | { name: 'mfa'; step: MfaStep; method?: 'totp' | 'recovery-code' }
  /**
   * A member of an organization that requires MFA sets up an authenticator app; then (`done`,
   * the broker's answer with `recovery_codes`, held back) the codes on the same step, until Continue
   * hands `done` to the flow: the page's session and lk-signed-in wait until the codes were seen.
   */
  | { name: 'mfa-enroll'; step: MfaEnrollStep; done?: DoneStep }
  | { name: 'done'; step: DoneStep };

/**
 * What a step's render function gets from lk-sign-in: its view, the form's
 * state and the callbacks it may call, never the element.
 */
export interface SignInStepOptions<View extends SignInView> {
  view: View;
  form: FormState;
  /** The last request's error, if it failed (a step may explain it further at its fields). */
  failure: unknown;
  /** The host's `return-to`, for requests that may end in a session. */
  returnTo: string | undefined;
  /**
   * Sends the step's request; the broker's answer is the next step (one at a time).
   * Resolves once the answer (or why it failed) is on screen.
   */
  submit(request: StepRequest): Promise<unknown>;
  /** Says `text` through the card's polite live region (what a click on this step did). */
  announce(text: string): void;
  /** Checks the named fields, shows their problems, and answers their values when all are good. */
  validate(names: string[]): Record<string, string> | undefined;
  /** Shows another view without asking the broker ("Use another email"). */
  goTo(view: SignInView): void;
  /**
   * "Back to sign in" of a step that has it (the second factor's): unset, it goes to the
   * email step (lk-sign-in); null, the link is not drawn (lk-mfa without a `sign-in-url`).
   */
  back?: (() => void) | null;
  /** "Resend code" of a mailed-code step. */
  resend(step: EmailCodeStep): void;
}

/** What the card shows for a step: the heading (shadow DOM) and the light-DOM form. */
export interface StepScreen {
  title: string;
  subtitle?: string;
  form: TemplateResult;
}

/** The views drawn by a chunk; `identifier` (the first screen) and `done` are drawn by the element itself. */
export type LazySignInView = Exclude<SignInView, { name: 'identifier' | 'done' }>;

type StepModule<View extends LazySignInView> = Promise<{ render(o: SignInStepOptions<View>): StepScreen }>;

/**
 * Every step of lk-sign-in that is not on the first screen, and its chunk:
 * imported the first time the broker answers with it, and asked for while the
 * page is idle after the first render. A new step (SSO redirect, IdP error,
 * MFA) is its view in `SignInView`, its line in `viewOf` (sign-in.engine.ts), and one entry here;
 * the type check asks for the entry. Two views may share a chunk:
 * `() => import('./steps/reset.js').then((m) => ({ render: m.renderReview }))`.
 */
export const signInSteps: { readonly [Name in LazySignInView['name']]: () => StepModule<Extract<LazySignInView, { name: Name }>> } = {
  password: () => import('./steps/password.js'),
  'email-code': () => import('./steps/email-code.js'),
  reset: () => import('./steps/reset.js'),
  'passkey-review': () => import('./steps/passkey-review.js'),
  'sso-redirect': () => import('./steps/sso-redirect.js'),
  'idp-error': () => import('./steps/idp-error.js'),
  mfa: () => import('./steps/mfa.js'),
  'mfa-enroll': () => import('./steps/mfa-enroll.js'),
};
