import { finishPasskeySignUp, finishSignUp, restartPasskeySignUp, startPasskeySignIn, startSignUp, startSocialSignIn } from '@latchkey/client';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { DoneStep, EmailCodeStep, SessionClient, PasskeyRegistrationStep, SessionState, SocialProvider, SsoRedirectStep, User } from '@latchkey/client';
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
/** An invitation or invite link on the page: its preview and join, a chunk of their own. */
const importJoin = () => import('./sign-up.join.js');

/**
 * @summary Sign-up with email and password, or with only a passkey, confirmed by a mailed 6-digit code.
 *
 * The account exists only once the code is confirmed. The form renders into
 * the light DOM (slot `form`) so password managers offer to save the new password.
 *
 * With an invitation (`invitation`, or `lk_invitation` in the page's URL, as the
 * mailed link carries it) or an invite link (`invite`, or `lk_invite`), the card says
 * what it is for ("Join Acme as Member"), the invitation's address filled in and
 * fixed; once the account is made it joins the organization, switches the tab into
 * it and fires `lk-org-changed`. Someone already signed in gets a "Join" button
 * instead. One that is unknown, used, revoked or expired says so, and an account can
 * still be made without it. `return-to` is followed once the join is done.
 *
 * @event {LkSignedInDetail} lk-signed-in - Account created and signed in. `detail: { user, session, return_to }`.
 * @event {LkOrgChangedDetail} lk-org-changed - Joined through the invitation or link, and the tab switched into the organization. `detail: { org_id, organization }`.
 * @event {LkErrorDetail} lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
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
    invitation: {},
    invite: {},
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

  /** An invitation's token (the mailed link's `lk_invitation`); read from the page's URL when unset. */
  invitation?: string;

  /** An invite link's token (`lk_invite`); read from the page's URL when unset. */
  invite?: string;

  /** The invitation or link on this page, once its chunk is in; `#joinFor` says which (its chunk may still be loading). */
  #join?: import('./sign-up.join.js').JoinFlow;
  #joinFor?: string;
  /** Who is signed in (a "Join" button instead of the form). */
  #user?: User;

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
    this.#user = state.status === 'signed-in' ? state.user : undefined;
    if (state.status === 'signed-out' && this.#flow.view.name === 'done') this.#flow.restart();
    this.requestUpdate();
  }

  /** The invitation or invite link this page carries: the property, else the URL's. */
  #joinToken(): { kind: 'invitation' | 'invite'; token: string } | undefined {
    const query = new URLSearchParams(location.search);
    const invitation = this.invitation ?? query.get('lk_invitation');
    if (invitation) return { kind: 'invitation', token: invitation };
    const invite = this.invite ?? query.get('lk_invite');
    return invite ? { kind: 'invite', token: invite } : undefined;
  }

  protected override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    const wanted = this.#joinToken();
    const key = wanted && `${wanted.kind} ${wanted.token}`;
    if (key === this.#joinFor) return;
    this.#joinFor = key;
    this.#join = undefined;
    if (!wanted) return;
    importJoin().then(
      ({ JoinFlow }) => {
        if (this.#joinFor !== key) return;
        this.#join = new JoinFlow(this, {
          ...wanted,
          client: () => this.requireClient(),
          failed: (error) => this.reportError(error),
          joined: () => {
            // The user acted: the card's new heading takes focus, and so is read out.
            this.focusStep();
            if (this.returnTo) (this.navigate ?? ((url) => location.assign(url)))(this.returnTo);
          },
        });
        this.requestUpdate();
      },
      (error: unknown) => this.reportError(error),
    );
  }

  /** The invitation's part of the page: what the card says, and whether the sign-up's own form shows. */
  get #joining() {
    return this.#join ?? (this.#joinFor ? 'loading' : undefined);
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    this.setStates(this.#flow.states);
    const v = this.#flow.view;
    // The account is made: the invitation's join follows at once.
    if (v.name === 'done') this.#join?.accountMade();
    // An invitation's address is fixed (only it may accept). Set here, not by the shared field
    // template, which lk-sign-in's first screen carries too.
    this.field('email')?.toggleAttribute('readonly', this.#join?.email !== undefined);
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
    const join = this.#joining;
    const joinCard = join === 'loading' ? { title: msg('Checking your invitation…'), subtitle: undefined } : join?.card(this.#user, v.name);
    // Someone with an account already signs in first (the host brings them back here with the link).
    const signInLine = this.signInUrl && v.name === 'details' && !this.#user ? html`${msg('Already have an account?')} <a href=${this.signInUrl}>${msg('Sign in')}</a>` : nothing;
    if (joinCard) return renderCard({ title: joinCard.title, subtitle: joinCard.subtitle, footer: join !== 'loading' && join?.open ? signInLine : nothing, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
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
    const footer = this.signInUrl && v.name === 'details' ? html`${msg('Already have an account?')} <a href=${this.signInUrl}>${msg('Sign in')}</a>` : nothing;
    return renderCard({ title, subtitle, footer, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
  }

  protected override renderForm(): TemplateResult {
    const form = this.formState(this.#flow);
    const v = this.#flow.view;
    const join = this.#joining;
    if (join === 'loading') return html``;
    const joinForm = join?.renderForm(this.#user, v.name);
    if (joinForm) return joinForm;
    switch (v.name) {
      case 'details':
        return renderDetailsStep({
          form,
          onSubmit: this.#submitDetails,
          passkey: this.passkeys ? { waiting: this.passkeyWaiting, onClick: this.#startPasskeyFirst } : undefined,
          // A trip to a social provider would leave the invitation behind.
          social: join?.open ? { providers: [], icon: this.#social.offer.icon } : this.#social.offer,
          onSocial: this.#continueWith,
          email: join?.email,
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
          ...(this.#returnTo() ? { return_to: this.#returnTo() } : {}),
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
        return await startSignUp(conn, { email: values.email!, ...(values.name ? { name: values.name } : {}), ...(this.#returnTo() ? { return_to: this.#returnTo() } : {}) }, { signal });
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

  /** Where the broker sends the page once signed up: nowhere while an invitation waits to be joined (that goes to `return-to` after). */
  #returnTo(): string | undefined {
    return this.#joinFor && !this.#join?.dropped ? undefined : this.returnTo;
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
