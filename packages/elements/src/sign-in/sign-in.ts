import { identify, resumeSignIn, startSocialSignIn } from '@latchkey/client';
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { LatchkeyError, type Connection, type SessionClient, type SessionState, type SocialProvider, type Step } from '@latchkey/client';
import { SocialController } from '../internal/controllers/social-controller.js';
import { LkFormElement } from '../internal/base.js';
import { LazyStepsController, type StepImport } from '../internal/controllers/lazy-steps-controller.js';
import { passkeysSupported } from '../internal/passkey-support.js';
import { renderCard } from '../internal/templates/card.js';
import { directionFor, isolate } from '../internal/locale-state.js';
import { signInStyles } from './sign-in.styles.js';
import { renderIdentifierStep } from './sign-in.form.js';
import { signInSteps, type SignInStepOptions, type SignInView, type StepScreen } from './sign-in.steps.js';

export type { SignInView } from './sign-in.steps.js';

/** lk-sign-in's engine chunk: what its flow runs once the user acts, and its views. */
const importEngine = () => import('./sign-in.engine.js');

/**
 * @summary Identifier-first sign-in: email, then password or a mailed code; a passkey from a button or the email field's autofill; forgot password.
 *
 * The broker decides each next step (a password, a mailed code, which other
 * methods to offer); the element shows whichever comes back, and says so
 * clearly when it is a step this version cannot show.
 *
 * Where the broker offers passkeys and the browser has WebAuthn, the first
 * step offers "Sign in with a passkey", and (where the browser supports
 * conditional mediation) the email field's autofill lists the site's passkeys
 * while the form stays usable: picking one signs in without typing.
 *
 * Where the account has a second factor, the broker asks for it after the
 * first (a password, a mailed code, a social or SSO sign-in), and no session
 * exists until it passed: "Two-step verification" takes the authenticator
 * app's code, or a recovery code, or a passkey where the broker lists one.
 *
 * After a password reset, where the account has passkeys, the element lists
 * them first ("Check your passkeys"), each with "Remove", then "Continue to
 * sign in".
 *
 * Only the first screen comes with the element: each later step (password,
 * mailed code, reset, passkey review, the second factor) is a chunk imported the first time the broker answers
 * with it, and asked for while the page is idle. A step still loading keeps
 * the previous one in its pending state; one that cannot load says so, with
 * "Try again".
 *
 * The form and its inputs render into the element's light DOM (slot `form`),
 * where password managers can find them. After sign-in the element fires
 * `lk-signed-in` and, when the broker answered with an allowlisted `return_to`,
 * navigates there unless a listener calls `preventDefault()`.
 *
 * @event {LkSignedInDetail} lk-signed-in - Signed in. `detail: { user, session, return_to }`; cancel to stop the navigation to `return_to`.
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
 * @csspart footer - The "Sign up" line.
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
 * @cssstate step-identifier - Asking for the email (also step-password, step-email-code, step-reset, step-passkey-review, step-mfa, step-mfa-enroll, step-done).
 */
export class LkSignIn extends LkFormElement {
  static override styles = signInStyles;
  static override properties: PropertyDeclarations = {
    appName: { attribute: 'app-name' },
    returnTo: { attribute: 'return-to' },
    signUpUrl: { attribute: 'sign-up-url' },
    passkeys: { state: true },
    passkeyWaiting: { state: true },
    stepImport: { attribute: false },
    navigate: { attribute: false },
    resuming: { state: true },
  };

  /** Your product's name, shown above the heading. */
  appName?: string;


  /** Where to go after signing in; must be on the broker's allowlist. */
  returnTo?: string;

  /** Link for "Don't have an account? Sign up". */
  signUpUrl?: string;

  /**
   * Stands in for the `import()` of a step's chunk (tests and stories delay it or make it fail).
   * @internal
   */
  stepImport?: StepImport;

  /**
   * Sends the page to an identity provider (default `location.assign`); stories and tests
   * stand in for it, as a page that must do more first (save a draft) may.
   */
  navigate?: (url: string) => void;

  readonly #steps = new LazyStepsController(this, signInSteps, () => this.stepImport);
  readonly #flow = this.createFlow<SignInView>({ name: 'identifier' }, importEngine, this.#steps);
  readonly #social = new SocialController(this, () => this.latchkey);
  /**
   * Back from an identity provider (`lk_resume` was in the URL when first on the page): asking
   * the broker where the flow stands. Read on connection, not construction, so an element made
   * off the page (a framework's, a template's) leaves the mark for the one that shows.
   */
  private resuming: boolean | 'asking' | undefined;
  /** The redirect step the page was last sent on by, so each is followed once. */
  #followed?: unknown;
  /** The `return_to` an IdP error carried back, for the next try when the host set none on this page. */
  #carriedReturnTo?: string;

  /** Where to go after signing in: the host's `return-to`, else the one a trip to an IdP carried back. */
  get #target(): string | undefined {
    return this.returnTo ?? this.#carriedReturnTo;
  }
  /** The heading and form of the view on screen, drawn once per update for the card and the light DOM. */
  #screen?: StepScreen;

  /** The broker offers passkeys and this browser has WebAuthn (known once the autofill request has its options). */
  private passkeys = false;
  /** The passkey button's ceremony runs (the browser's dialog, or the broker's answer). */
  private passkeyWaiting = false;
  /** Autofill was started on this visit of the email step; cleared when the step is left or the button takes over, so the next visit starts one. */
  #autofillOn = false;

  override connectedCallback() {
    super.connectedCallback();
    this.resuming ??= takeResumeMark();
  }

  /** Goes back to the first step (e.g. after the host signed the user out). */
  reset() {
    this.#flow.restart();
  }

  /** Signed out somewhere (the user button, another tab): start over instead of showing "signed in". */
  protected override sessionChanged(state: SessionState, client: SessionClient) {
    super.sessionChanged(state, client);
    if (state.status === 'signed-out' && this.#flow.view.name === 'done') this.#flow.restart();
    // Passkey autofill follows the session (updated()).
    this.requestUpdate();
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    this.setStates(this.resuming ? [...this.#flow.states, 'resuming'] : this.#flow.states);
    if (this.resuming === true && this.latchkey) this.#resume();
    const v = this.#flow.view;
    // A redirect step is followed at once (its screen stays while the page unloads, with a link if it does not).
    if (v.name === 'sso-redirect' && this.#followed !== v.step) {
      this.#followed = v.step;
      (this.navigate ?? ((url) => location.assign(url)))(v.step.url);
    }
    if (v.name === 'idp-error' && v.step.return_to) this.#carriedReturnTo = v.step.return_to;
    // Autofill waits beside the email step unless someone is signed in (a device that answers
    // it by itself must not sign in again a user who is). The flow stops it when it leaves the
    // step; it starts again on each visit, and anew when `return-to` changes (its options carry it).
    const off = !this.isConnected || this.resuming !== false || this.#flow.view.name !== 'identifier' || this.latchkey?.session.state.status === 'signed-in';
    if (off || changed.has('returnTo')) {
      this.#flow.stopBeside();
      this.#autofillOn = false;
    }
    if (!off && !this.#autofillOn && !this.#flow.pending && passkeysSupported()) this.#startAutofill();
  }

  /**
   * Back from an identity provider: the flow's step from the broker, shown as any other
   * answer (`done` signs in and follows `return_to`). No flow (a reload, another tab) is
   * the email step, quietly.
   */
  #resume() {
    this.resuming = 'asking';
    void this.#flow
      .submit((conn, signal) =>
        resumeSignIn(conn, { signal }).catch((error: unknown) => {
          if (error instanceof LatchkeyError && error.code === 'no_flow') return { step: 'identifier' } as const;
          throw error;
        }),
      )
      .then(() => (this.resuming = false));
  }

  /** "Continue with {name}": where the provider is, then the page goes there; it comes back to this URL. */
  #continueWith = (provider: SocialProvider) => {
    this.#flow.submit((conn, signal) => startSocialSignIn(conn, { provider: provider.id, resume_url: location.href, return_to: this.#target }, { signal }));
  };

  /**
   * Passkey autofill, beside the email step: the broker's options (which also
   * say it offers passkeys: the button shows), then the email field's autofill
   * lists the site's passkeys until one is picked or the step is left. The
   * form stays usable all along.
   */
  #startAutofill() {
    this.#autofillOn = true;
    this.#flow.runBeside('autofill', (conn, signal) => this.#passkeySignIn(conn, signal, true));
  }

  /** "Sign in with a passkey": the browser's dialog, then the broker's answer. Autofill waits meanwhile. */
  #signInWithPasskey = () => {
    if (this.#flow.pending) return;
    this.#flow.stopBeside('autofill');
    this.#autofillOn = false;
    this.passkeyWaiting = true;
    this.#flow.submit((conn, signal) => this.#passkeySignIn(conn, signal, false));
  };

  /** A passkey sign-in, by the chunk that holds the WebAuthn code (imported with the first screen's autofill). */
  async #passkeySignIn(conn: Connection, signal: AbortSignal, autofill: boolean): Promise<Step> {
    try {
      const chunk = await import('./passkey-sign-in.js').catch((cause: unknown) => {
        // Offline before the chunk came: the button says so; autofill ends quietly, as an abort does,
        // and starts again on the next visit of the step.
        throw autofill ? new DOMException('The passkey code could not be loaded', 'AbortError') : new LatchkeyError('network_error', 'The passkey code could not be loaded', { cause });
      });
      // Left meanwhile (another step, the page, a sign-in): nothing more to ask.
      signal.throwIfAborted();
      return await chunk.signInWithPasskey(conn, signal, { autofill, returnTo: this.#target, offered: () => (this.passkeys = true) });
    } finally {
      if (!autofill) this.passkeyWaiting = false;
    }
  }

  protected override render() {
    const { title, subtitle } = (this.#screen = this.#drawStep());
    const footer =
      this.signUpUrl && this.#flow.view.name !== 'done'
        ? html`${msg("Don't have an account?")} <a href=${this.signUpUrl}>${msg('Sign up')}</a>`
        : nothing;
    return renderCard({ title, subtitle, footer, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
  }

  protected override renderForm(): TemplateResult {
    return this.#screen!.form;
  }

  /** The view on screen: the first and last by the element, every other by its step's chunk. */
  #drawStep(): StepScreen {
    const form = this.formState(this.#flow);
    const v = this.#flow.view;
    // Until the broker's answer is on screen (a step that shows is drawn at once, with focus in it).
    if (this.resuming && v.name === 'identifier') return { title: msg('Signing you in…'), form: html`<p class="lk-form" role="status"><span class="lk-spinner" aria-hidden="true"></span></p>` };
    switch (v.name) {
      case 'identifier':
        return {
          title: msg('Sign in'),
          subtitle: msg('Welcome back. Enter your email to continue.'),
          form: renderIdentifierStep({
            form,
            email: v.email ?? '',
            onSubmit: this.#submitIdentifier,
            passkey: this.passkeys ? { waiting: this.passkeyWaiting, onClick: this.#signInWithPasskey } : undefined,
            social: this.#social.offer,
            onSocial: this.#continueWith,
          }),
        };
      case 'done':
        return { title: msg("You're signed in"), subtitle: isolate(v.step.user.email), form: html`` };
    }
    // The flow shows a view only once its chunk is in (its `prepare`). The registry's type pairs each name with its view.
    const render = this.#steps.render(v.name) as (o: SignInStepOptions<typeof v>) => StepScreen;
    return render({
      view: v,
      form,
      failure: this.#flow.renderError((error) => error),
      returnTo: this.#target,
      submit: (request) => this.#flow.submit(request).then(() => this.updateComplete),
      announce: (text) => (this.announcement = text),
      validate: (names) => this.validate(names),
      goTo: (view) => this.#flow.goTo(view),
      resend: (step) => this.#flow.resend(step),
    });
  }

  #submitIdentifier = (event: SubmitEvent) => {
    event.preventDefault();
    const values = this.validate(['email']);
    if (!values) return;
    this.#flow.amend({ name: 'identifier', email: values.email });
    // resume_url: an address of an organization's SSO domain goes to its IdP, which sends the browser back here.
    this.#flow.submit((conn, signal) => identify(conn, { email: values.email!, return_to: this.#target, resume_url: location.href }, { signal }));
  };
}

/**
 * Whether the page was just sent back by the broker after a trip to an identity provider
 * (`lk_resume` in its query). The mark is taken off the URL at once (history.replaceState),
 * so a reload or a shared link does not ask again.
 */
function takeResumeMark(): boolean {
  const url = new URL(location.href);
  if (!url.searchParams.has('lk_resume')) return false;
  url.searchParams.delete('lk_resume');
  history.replaceState(history.state, '', url);
  return true;
}

customElements.define('lk-sign-in', LkSignIn);

declare global {
  interface HTMLElementTagNameMap {
    'lk-sign-in': LkSignIn;
  }
}
