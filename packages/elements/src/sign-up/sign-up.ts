import { finishPasskeySignUp, finishSignUp, restartPasskeySignUp, startPasskeySignIn, startSignUp, startSocialSignIn } from '@latchkey/client';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { DoneStep, EmailCodeStep, SessionClient, PasskeyRegistrationStep, SessionState, SocialProvider, SsoRedirectStep } from '@latchkey/client';
import { SocialController } from '../internal/controllers/social-controller.js';
import { render as renderRedirect } from '../sign-in/steps/sso-redirect.js';
import { LkFormElement } from '../internal/base.js';
import { renderCard } from '../internal/templates/card.js';
import { directionFor, isolate } from '../internal/locale-state.js';
import { signUpStyles } from './sign-up.styles.js';
import { renderDetailsStep, renderPasskeyStep, renderVerifyStep } from './sign-up.form.js';
import { passkeysSupported } from '../internal/passkey-support.js';
import { createPasskey } from '../internal/passkey-registration.js';
import { explainWeakPassword } from '../internal/password-messages.js';

/** The steps of signing up. */
export type SignUpView =
  | { name: 'details'; step?: undefined }
  | { name: 'email-code'; step: EmailCodeStep }
  /** Passkey-first: the address is confirmed, the passkey is next (the account is made with it). */
  | { name: 'passkey'; step: PasskeyRegistrationStep }
  | { name: 'sso-redirect'; step: SsoRedirectStep }
  | { name: 'done'; step: DoneStep };

/** lk-sign-up's engine chunk: what its flow runs once the user acts, and its views. */
const importEngine = () => import('./sign-up.engine.js');

/**
 * @summary Sign-up with email and password, or with only a passkey, confirmed by a mailed 6-digit code.
 *
 * The account exists only once the code is confirmed. The form renders into
 * the light DOM (slot `form`) so password managers offer to save the new password.
 *
 * @event lk-signed-in - Account created and signed in. `detail: { user, session, return_to }`.
 * @event lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot form - Filled by the element itself with its light-DOM form.
 * @slot logo - Your logo, above the heading.
 *
 * @csspart base - The card.
 * @csspart header - Title and subtitle.
 * @csspart logo - The logo slot.
 * @csspart app-name - The `app-name` line above the heading.
 * @csspart title - The step's heading (announced on each step change, while focus goes to the first field).
 * @csspart subtitle - The line under the heading.
 * @csspart footer - The "Sign in" line.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings. Darkened on light surfaces and lightened on dark ones where text needs it.
 * @cssproperty --lk-color-on-primary - Text on primary buttons (default: white or near-black, whichever the primary needs).
 * @cssproperty --lk-color-surface - Card background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-border - Card edge and dividers (decorative).
 * @cssproperty --lk-color-danger - Errors.
 * @cssproperty --lk-color-success - Notices.
 * @cssproperty --lk-radius - Corner radius of inputs and buttons (the card's is 1.4×).
 * @cssproperty --lk-border-width - Width of every border.
 * @cssproperty --lk-space-xs - Smallest gaps.
 * @cssproperty --lk-space-s - Small gaps.
 * @cssproperty --lk-space-m - Medium gaps.
 * @cssproperty --lk-space-l - Largest card padding (narrow screens use less).
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-font-size - Inputs.
 * @cssproperty --lk-font-size-small - Labels, links, alerts.
 * @cssproperty --lk-font-size-title - The step's heading.
 * @cssproperty --lk-focus-ring-color - Focus outline (3:1 against the surface by default).
 * @cssproperty --lk-focus-ring-width - Focus outline width.
 * @cssproperty --lk-shadow - Card shadow.
 * @cssproperty --lk-card-max-width - Widest the card grows.
 * @cssproperty --lk-card-padding - Padding inside the card, the same on every side.
 * @cssproperty --lk-input-height - Height of inputs (and, by default, buttons).
 * @cssproperty --lk-input-background-color - Input background.
 * @cssproperty --lk-input-border-color - Input and secondary button border (3:1 against the surface by default).
 * @cssproperty --lk-button-background-color - Primary button background.
 * @cssproperty --lk-button-text-color - Primary button text.
 * @cssproperty --lk-button-height - Height of buttons.
 *
 * @cssstate loading - A request is running.
 * @cssstate step-details - Asking for name, email and password (also step-email-code, step-passkey, step-done).
 */
export class LkSignUp extends LkFormElement {
  static override styles = signUpStyles;
  // Declared as static properties, not decorators, as in base.ts: the decorator runtime cost
  // all elements together about 0.6 kB gzip.
  static override properties: PropertyDeclarations = {
    appName: { attribute: 'app-name' },
    returnTo: { attribute: 'return-to' },
    signInUrl: { attribute: 'sign-in-url' },
    navigate: { attribute: false },
    passkeys: { state: true },
    passkeyWaiting: { state: true },
  };

  /** Your product's name, shown above the heading. */
  appName?: string;

  /** Where to go after signing up; must be on the broker's allowlist. */
  returnTo?: string;

  /** Link for "Already have an account? Sign in". */
  signInUrl?: string;

  /** Sends the page to an identity provider (default `location.assign`); stories and tests stand in for it, as lk-sign-in's. */
  navigate?: (url: string) => void;

  readonly #flow = this.createFlow<SignUpView>({ name: 'details' }, importEngine);
  readonly #social = new SocialController(this, () => this.latchkey);
  /** The redirect step the page was last sent on by, so each is followed once. */
  #followed?: unknown;

  /** The broker offers passkeys and this browser can use them (asked once, on the first render). */
  private passkeys = false;
  /** Which submit runs: the passkey-first start, or the browser's dialog. */
  private passkeyWaiting = false;
  /** The newest creation options of this sign-up: a restart answers a new ceremony (new flow id) and ends the old one. */
  #registration?: PasskeyRegistrationStep;

  protected override firstUpdated(changed: PropertyValues) {
    super.firstUpdated(changed);
    // The broker says whether it offers passkeys by answering for options (the sign-in ceremony's, unused).
    const client = this.latchkey;
    if (client && passkeysSupported()) startPasskeySignIn(client.connection, {}).then(() => (this.passkeys = true), () => {});
  }

  /** Signed out somewhere (the user button, another tab): start over instead of showing "welcome". */
  protected override sessionChanged(state: SessionState, client: SessionClient) {
    super.sessionChanged(state, client);
    if (state.status === 'signed-out' && this.#flow.view.name === 'done') this.#flow.restart();
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    this.setStates(this.#flow.states);
    const v = this.#flow.view;
    if (v.name === 'sso-redirect' && this.#followed !== v.step) {
      this.#followed = v.step;
      (this.navigate ?? ((url) => location.assign(url)))(v.step.url);
    }
  }

  /**
   * "Continue with {name}": the provider's first sign-in makes the account. The browser
   * comes back to the sign-in page (`sign-in-url`), where lk-sign-in finishes the flow;
   * without one, to this page.
   */
  #continueWith = (provider: SocialProvider) => {
    const resume = this.signInUrl ? new URL(this.signInUrl, location.href).href : location.href;
    this.#flow.submit((conn, signal) => startSocialSignIn(conn, { provider: provider.id, resume_url: resume, return_to: this.returnTo }, { signal }));
  };

  /** A refused password says why at its field (common, a pattern, the user's own name…), in the page's language. */
  protected override reportError(error: unknown) {
    super.reportError(error);
    this.fieldErrors = explainWeakPassword(this.fieldErrors, error);
  }

  protected override render() {
    const v = this.#flow.view;
    if (v.name === 'sso-redirect') {
      const { title, subtitle } = renderRedirect({ view: v });
      return renderCard({ title, subtitle, footer: nothing, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
    }
    const title =
      v.name === 'details' ? msg('Create your account')
      : v.name === 'email-code' ? msg('Check your email')
      : v.name === 'passkey' ? msg('Create your passkey')
      : msg('Welcome aboard');
    const subtitle =
      v.name === 'details' ? msg('It takes a minute. We will email you a code to confirm your address.')
      : v.name === 'email-code' ? msg(str`We sent a 6-digit code to ${isolate(v.step.email)}. Enter it to finish.`)
      : v.name === 'passkey' ? msg('Your device will ask for your fingerprint, face or screen lock. No password needed.')
      : isolate(v.step.user.email);
    const footer =
      this.signInUrl && v.name === 'details'
        ? html`${msg('Already have an account?')} <a href=${this.signInUrl}>${msg('Sign in')}</a>`
        : nothing;
    return renderCard({ title, subtitle, footer, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
  }

  protected override renderForm(): TemplateResult {
    const form = this.formState(this.#flow);
    const v = this.#flow.view;
    switch (v.name) {
      case 'details':
        return renderDetailsStep({
          form,
          onSubmit: this.#submitDetails,
          passkey: this.passkeys ? { waiting: this.passkeyWaiting, onClick: this.#startPasskeyFirst } : undefined,
          social: this.#social.offer,
          onSocial: this.#continueWith,
        });
      case 'sso-redirect':
        return renderRedirect({ view: v }).form;
      case 'passkey':
        return renderPasskeyStep({ form, waiting: this.passkeyWaiting, onCreate: () => this.#createPasskey(v.step), onStartOver: () => this.#flow.restart() });
      case 'email-code':
        return renderVerifyStep({
          form,
          email: v.step.email,
          resendAfter: v.step.resend_after,
          onSubmit: this.#submitCode,
          attemptsLeft: v.step.attempts_left,
          onResend: () => this.#flow.resend(v.step),
          onStartOver: () => this.#flow.restart(),
        });
      case 'done':
        return html``;
    }
  }

  #submitDetails = (event: SubmitEvent) => {
    event.preventDefault();
    const values = this.validate(['name', 'email', 'new-password']);
    if (!values) return;
    this.#flow.submit((conn, signal) =>
      startSignUp(conn, 
        {
          email: values.email!,
          password: values['new-password']!,
          ...(values.name ? { name: values.name } : {}),
          ...(this.returnTo ? { return_to: this.returnTo } : {}),
        },
        { signal },
      ),
    );
  };

  /** "Create account with a passkey": name and email only, then the mailed code, then the passkey. */
  #startPasskeyFirst = () => {
    const values = this.validate(['name', 'email']);
    if (!values) return;
    this.#registration = undefined;
    this.passkeyWaiting = true;
    this.#flow.submit(async (conn, signal) => {
      try {
        return await startSignUp(conn, { email: values.email!, ...(values.name ? { name: values.name } : {}), ...(this.returnTo ? { return_to: this.returnTo } : {}) }, { signal });
      } finally {
        this.passkeyWaiting = false;
      }
    });
  };

  /** The browser's dialog makes the passkey; the broker makes the account with it, and signs in. */
  #createPasskey(step: PasskeyRegistrationStep) {
    this.passkeyWaiting = true;
    this.#flow.submit(async (conn, signal) => {
      try {
        // After a dialog that ended without a passkey, fresh options: its challenge may have run out.
        const current = this.#registration ? await restartPasskeySignUp(conn, { flow_id: this.#registration.flow_id }, { signal }) : step;
        this.#registration = current;
        const credential = await createPasskey(current, signal);
        return await finishPasskeySignUp(conn, { flow_id: current.flow_id, credential }, { signal });
      } finally {
        this.passkeyWaiting = false;
      }
    });
  }

  #submitCode = (event: SubmitEvent) => {
    event.preventDefault();
    const v = this.#flow.view;
    const values = this.validate(['code']);
    if (!values || v.name !== 'email-code') return;
    this.#flow.submit((conn, signal) => finishSignUp(conn, { flow_id: v.step.flow_id, code: values.code! }, { signal }));
  };
}

customElements.define('lk-sign-up', LkSignUp);

declare global {
  interface HTMLElementTagNameMap {
    'lk-sign-up': LkSignUp;
  }
}
