import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { getMfaStatus, regenerateRecoveryCodes, type DoneStep, type MfaMethod, type MfaStatus, type MfaStep, type RecoveryCodes, type SessionClient, type SessionState } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import { LkFormElement } from '../internal/base.js';
import { LazyStepsController } from '../internal/controllers/lazy-steps-controller.js';
import type { FlowEngineModule } from '../internal/controllers/flow-controller.js';
import { LatestTask } from '../internal/latest-task.js';
import { directionFor, isolate } from '../internal/locale-state.js';
import { errorMessage } from '../internal/messages.js';
import { renderCard } from '../internal/templates/card.js';
import { renderAlert } from '../internal/templates/alert.js';
import { LkMfaEnrolledEvent } from '../events/mfa-enrolled.js';
import type { AppEnrollment } from '../internal/mfa/enrollment.js';
import type { SignInStepOptions, StepScreen } from '../sign-in/sign-in.steps.js';
import { signInStyles } from '../sign-in/sign-in.styles.js';

/** The views of lk-mfa's challenge: the second factor of a pending sign-in, then `done`. */
export type MfaChallengeView = { name: 'mfa'; step: MfaStep; method?: 'totp' | 'recovery-code' } | { name: 'done'; step: DoneStep };

// lk-sign-in's engine chunk: the broker answers a second factor with `mfa` (a wrong code) or `done`, which it turns into these views.
const importEngine = () => import('../sign-in/sign-in.engine.js') as Promise<unknown> as Promise<FlowEngineModule<MfaChallengeView>>;
/** The challenge is lk-sign-in's own second-factor step (its chunk), not a copy of it. */
const challengeSteps = { mfa: () => import('../sign-in/steps/mfa.js') };

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * @summary Two-step verification on its own: set up an authenticator app, answer a sign-in's second factor, or make new recovery codes.
 *
 * For hosts that place the pieces of two-step verification themselves (lk-sign-in and
 * lk-user-profile already include them). `mode` chooses which:
 *
 * - `enroll` (default): for the signed-in user, the authenticator app's QR code and key,
 *   its first code in a "Verification code" field, then the ten recovery codes, shown
 *   once with Copy and Download; `lk-mfa-enrolled` then. The same enrolment as
 *   lk-user-profile's "Two-step verification" section.
 * - `challenge`: a pending sign-in's second factor (`flow-id`, or the `step` property
 *   the broker answered): the authenticator app's code, a recovery code, or a passkey
 *   where `methods` lists it; `lk-signed-in` once it passed. The same step as lk-sign-in's.
 * - `recovery-codes`: for the signed-in user, ten new recovery codes (the old ones stop
 *   working), shown once.
 *
 * The form and its "Verification code" field render into the element's light DOM
 * (slot `form`), where password managers find them.
 *
 * @event {LkSignedInDetail} lk-signed-in - `challenge`: the second factor passed and the session is open. `detail: { user, session, return_to }`; cancel to stop the navigation to `return_to`.
 * @event {LkMfaEnrolledDetail} lk-mfa-enrolled - `enroll`: the authenticator app is enrolled. `detail: { factor }`.
 * @event {LkErrorDetail} lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot form - Filled by the element itself with its light-DOM form.
 * @slot logo - Your logo, above the heading.
 *
 * @csspart base - The card.
 * @csspart header - Title and subtitle.
 * @csspart logo - The logo slot.
 * @csspart app-name - The `app-name` line above the heading.
 * @csspart title - The heading.
 * @csspart subtitle - The line under the heading.
 * @csspart footer - Below the form.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings.
 * @cssproperty --lk-color-surface - Card background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-border - Card edge, the QR code's frame and the codes' box.
 * @cssproperty --lk-color-danger - Errors.
 * @cssproperty --lk-radius - Corner radius of inputs and buttons.
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-card-max-width - Widest the card grows.
 *
 * @cssstate loading - A request is running.
 * @cssstate signed-out - `enroll` or `recovery-codes` with nobody signed in.
 * @cssstate step-mfa - `challenge`: asking for the second factor (step-done once it passed).
 * @cssstate enrolled - `enroll`: the app is enrolled (or was already).
 */
export class LkMfa extends LkFormElement {
  static override styles = signInStyles;
  static override properties: PropertyDeclarations = {
    mode: { reflect: true },
    flowId: { attribute: 'flow-id' },
    methods: {},
    step: { attribute: false },
    appName: { attribute: 'app-name' },
    signInUrl: { attribute: 'sign-in-url' },
    session: { state: true },
    status: { state: true },
    enrolled: { state: true },
  };

  /** `enroll` (default), `challenge` or `recovery-codes`. */
  mode: 'enroll' | 'challenge' | 'recovery-codes' = 'enroll';

  /** `challenge`: the pending sign-in, as the `mfa` step's `flow_id`. */
  flowId?: string;

  /** `challenge` with `flow-id`: what the account can answer with, space-separated (default `totp recovery-code`; add `passkey` where it has one). */
  methods?: string;

  /** `challenge`: the `mfa` step as the broker answered it (sets the pending sign-in, its methods and tries left). */
  step?: MfaStep;

  /** Your product's name, shown above the heading. */
  appName?: string;

  /** `challenge`: where "Back to sign in" goes; without it the link is not shown. */
  signInUrl?: string;

  private session: SessionState = { status: 'loading' };
  /** `enroll`: the account's factors, read before an enrolment starts. */
  private status?: MfaStatus;
  /** `enroll`: the app was enrolled here. */
  private enrolled = false;
  #enrollment?: AppEnrollment;
  /** `recovery-codes`: the new codes on screen, with the view's module. */
  #codes?: { codes: RecoveryCodes; view: typeof import('../internal/recovery-codes.js') };

  readonly #steps = new LazyStepsController(this, challengeSteps, () => undefined);
  readonly #flow = this.createFlow<MfaChallengeView>({ name: 'mfa', step: { step: 'mfa', flow_id: '', methods: ['totp'], attempts_left: 5 } }, importEngine, this.#steps);

  readonly #start = new LatestTask(this, {
    task: async (_: [], { signal }) => {
      const [status, module] = await Promise.all([getMfaStatus(this.#conn(), { signal }), import('../internal/mfa/enrollment.js')]);
      return { status, module };
    },
    onComplete: ({ status, module }) => {
      this.status = status;
      if (status.factors.length) return;
      this.#enrollment = new module.AppEnrollment({
        host: this,
        conn: () => this.#conn(),
        sensitive: (action) => action(),
        account: () => (this.session.status === 'signed-in' ? this.session.user.email : ''),
        announce: (text) => this.#announce(text),
        focus: (selector) => this.#focusForm(selector),
        failed: (error) => this.reportError(error),
        enrolled: (confirmation) => {
          this.status = { ...status, factors: [confirmation.factor] };
          this.emit(new LkMfaEnrolledEvent({ factor: confirmation.factor }));
        },
        closed: (outcome) => {
          this.#enrollment = undefined;
          this.enrolled = outcome === 'enrolled';
          this.focusStep(false);
        },
      });
      this.#enrollment.start();
    },
    onError: (error) => this.reportError(error),
  });

  readonly #regenerate = new LatestTask(this, {
    task: async (_: [], { signal }) => {
      const [codes, view] = await Promise.all([regenerateRecoveryCodes(this.#conn(), { signal }), import('../internal/recovery-codes.js')]);
      return { codes, view };
    },
    onComplete: (shown) => {
      this.#codes = shown;
      this.#focusForm('[data-action="copy-codes"]');
    },
    onError: (error) => this.reportError(error),
  });

  #conn() {
    return this.requireClient().connection;
  }

  #announce(text: string) {
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  #focusForm(selector: string) {
    this.requestUpdate();
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`[slot="form"] ${selector}`)?.focus());
  }

  protected override sessionChanged(state: SessionState, client: SessionClient) {
    super.sessionChanged(state, client);
    const was = this.session;
    this.session = state;
    if (state.status === 'loading' && this.mode !== 'challenge') client.session.refresh().catch((error: unknown) => this.reportError(error));
    // Another user (or nobody): what was on screen was someone else's.
    if (was.status === 'signed-in' && (state.status !== 'signed-in' || state.user.id !== was.user.id)) this.#forget();
  }

  #forget() {
    this.#enrollment?.abort();
    this.#start.abort();
    this.#regenerate.abort();
    this.#enrollment = this.#codes = this.status = undefined;
    this.enrolled = false;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#enrollment?.abort();
  }

  protected override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    if (changed.has('mode')) this.#forget();
    // The pending sign-in this element answers: the broker's step, or the host's flow id.
    if (this.mode === 'challenge' && (changed.has('step') || changed.has('flowId') || changed.has('methods') || changed.has('mode'))) {
      const step = this.step ?? (this.flowId ? { step: 'mfa' as const, flow_id: this.flowId, methods: this.#methods(), attempts_left: 5 } : undefined);
      if (step && (this.#flow.view.name !== 'mfa' || this.#flow.view.step.flow_id !== step.flow_id)) this.#flow.goTo({ name: 'mfa', step });
    }
  }

  #methods(): MfaMethod[] {
    const listed = (this.methods ?? 'totp recovery-code').split(/\s+/).filter((m): m is MfaMethod => m === 'totp' || m === 'recovery-code' || m === 'passkey');
    return listed.length ? listed : ['totp', 'recovery-code'];
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    const signedIn = this.session.status === 'signed-in';
    if (this.mode === 'enroll' && signedIn && !this.status && !this.#enrollment && this.#start.status !== 'pending' && this.#start.status !== 'error') void this.#start.run([]);
    const states: string[] =
      this.mode === 'challenge' ? this.#flow.states
      : this.session.status === 'signed-out' ? ['signed-out']
      : [...(this.#start.status === 'pending' || this.#regenerate.status === 'pending' ? ['loading'] : []), ...(this.enrolled || this.status?.factors.length ? ['enrolled'] : [])];
    this.setStates(states);
  }

  /** The heading and light-DOM form of what is on screen now. */
  #screen?: StepScreen;

  protected override render() {
    const { title, subtitle } = (this.#screen = this.#draw());
    return renderCard({ title, subtitle, announcement: this.announcement, appName: this.appName, dir: directionFor(this) });
  }

  protected override renderForm(): TemplateResult {
    return this.#screen!.form;
  }

  #draw(): StepScreen {
    if (this.mode === 'challenge') return this.#drawChallenge();
    const s = this.session;
    if (s.status === 'signed-out') {
      return { title: msg('Two-step verification', { id: 'mfa.title' }), subtitle: msg('Sign in to manage two-step verification.', { id: 'lk-mfa.signed-out' }), form: html`` };
    }
    if (s.status !== 'signed-in') return { title: msg('Two-step verification', { id: 'mfa.title' }), form: this.#waiting() };
    return this.mode === 'recovery-codes' ? this.#drawRecoveryCodes(s.user.email) : this.#drawEnroll();
  }

  #waiting(): TemplateResult {
    return html`<div class="lk-form" role="status"><span class="lk-spinner" aria-hidden="true"></span></div>`;
  }

  #drawEnroll(): StepScreen {
    if (this.#enrollment) return { title: this.#enrollment.title, form: this.#enrollment.render() };
    if (this.enrolled || this.status?.factors.length) {
      return { title: msg('Two-step verification is on', { id: 'lk-mfa.on' }), subtitle: msg('Signing in asks for a code from your authenticator app as well as your password.', { id: 'lk-mfa.on-subtitle' }), form: html`` };
    }
    if (this.#start.status === 'error' && !isAbort(this.#start.error)) {
      return { title: msg('Set up your authenticator app', { id: 'enrol.title' }), form: html`<div class="lk-form">${renderAlert(errorMessage(this.#start.error))}<button type="button" class="lk-secondary" @click=${() => void this.#start.run([])}>${msg('Try again')}</button></div>` };
    }
    // Before the status is in, and after a cancelled enrolment: "Set up an authenticator app".
    if (this.status) {
      return {
        title: msg('Two-step verification', { id: 'mfa.title' }),
        subtitle: msg('Ask for a code from your phone as well as your password when you sign in, so a stolen password alone is not enough.', { id: 'two-step.description' }),
        form: html`<div class="lk-form"><button type="button" class="lk-primary" data-action="set-up" @click=${() => ((this.status = undefined), void this.#start.run([]))}>${msg('Set up an authenticator app', { id: 'two-step.set-up' })}</button></div>`,
      };
    }
    return { title: msg('Set up your authenticator app', { id: 'enrol.title' }), form: this.#waiting() };
  }

  #drawRecoveryCodes(account: string): StepScreen {
    const shown = this.#codes;
    if (shown) {
      return {
        title: msg('Save your recovery codes', { id: 'enrol.codes-title' }),
        form: shown.view.renderRecoveryCodes({
          codes: shown.codes.codes,
          account,
          announce: (text) => this.#announce(text),
          onDone: () => {
            this.#codes = undefined;
            this.#announce(msg('New recovery codes made. Your old codes no longer work.', { id: 'two-step.regenerated' }));
            this.focusStep(false);
          },
        }),
      };
    }
    const failed = this.#regenerate.status === 'error' && !isAbort(this.#regenerate.error) ? errorMessage(this.#regenerate.error) : '';
    const pending = this.#regenerate.status === 'pending';
    return {
      title: msg('Recovery codes', { id: 'recovery.file-title' }),
      subtitle: msg('Each code signs you in once if you lose your phone. Making new ones stops the old ones from working.', { id: 'lk-mfa.recovery-subtitle' }),
      form: html`<div class="lk-form">${renderAlert(failed)}<button type="button" class="lk-primary" data-action="regenerate" aria-disabled=${pending} @click=${() => pending || void this.#regenerate.run([])}>${pending ? html`<span class="lk-spinner" aria-hidden="true"></span>` : nothing}${msg('Make new recovery codes', { id: 'lk-mfa.regenerate' })}</button></div>`,
    };
  }

  #drawChallenge(): StepScreen {
    const v = this.#flow.view;
    if (v.name === 'done') return { title: msg("You're signed in"), subtitle: isolate(v.step.user.email), form: html`` };
    if (!v.step.flow_id) return { title: msg('Two-step verification', { id: 'mfa.title' }), form: html`<div class="lk-form">${renderAlert(msg('This sign-in has expired. Go back and sign in again.', { id: 'mfa.expired' }))}</div>` };
    const render = this.#steps.render('mfa');
    if (!render) {
      void this.#steps.load('mfa').then(() => this.requestUpdate(), (error: unknown) => this.reportError(error));
      return { title: msg('Two-step verification', { id: 'mfa.title' }), form: this.#waiting() };
    }
    const signInUrl = this.signInUrl;
    const options: SignInStepOptions<Extract<MfaChallengeView, { name: 'mfa' }>> = {
      view: v,
      form: this.formState(this.#flow),
      failure: this.#flow.renderError((error) => error),
      returnTo: undefined,
      submit: (request) => this.#flow.submit(request).then(() => this.updateComplete),
      announce: (text) => (this.announcement = text),
      validate: (names) => this.validate(names),
      goTo: (view) => {
        if (view.name === 'mfa') this.#flow.goTo(view);
      },
      resend: () => {},
      back: signInUrl ? () => location.assign(signInUrl) : null,
    };
    return render(options);
  }
}

customElements.define('lk-mfa', LkMfa);

declare global {
  interface HTMLElementTagNameMap {
    'lk-mfa': LkMfa;
  }
}

