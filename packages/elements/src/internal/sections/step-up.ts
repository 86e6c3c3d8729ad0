import { html, nothing, render, type TemplateResult } from 'lit';
import {
  LatchkeyError,
  sendStepUpEmailCode,
  startStepUp,
  startStepUpPasskey,
  stepUpWithCode,
  stepUpWithEmailCode,
  stepUpWithPasskey,
  stepUpWithPassword,
  type Connection,
  type EmailCodeStep,
  type StepUpChallenge,
  type StepUpMethod,
} from '@latchkey/client';
import { msg, str } from '../localize.js';
import { errorMessage, loadErrorMessages } from '../messages.js';
import { getPasskey, PasskeyCeremonyError } from '../passkeys.js';
import { addFormStyles, adoptFormStyles, formScope } from '../form-styles.js';
import { renderField } from '../templates/field.js';
import type { FormState } from '../templates/form-state.js';
import { renderPasswordField } from '../templates/password-field.js';
import { renderSubmit } from '../templates/submit.js';
import { normaliseCode, submitWhenComplete } from '../templates/code-field.js';

/**
 * The "Confirm it's you" panel of `lk-user-profile` (issue 23 §4), a chunk of
 * its own: only a sensitive change the broker refused with
 * `reauthentication_required` loads it. It asks `POST /v1/step-up` what the
 * account can prove itself with, shows the first (password, authenticator code,
 * recovery code, passkey or a mailed code) with the others one click away,
 * and settles once the broker took a proof: resolved, and the element retries
 * the change; or rejected by Cancel. Its fields live in the light DOM (slot
 * `step-up`) like every credential field, so password managers fill them.
 */

/** What the panel needs of the element: plain values and callbacks, never the element's internals. */
export interface StepUpHost {
  /** The element: the light-DOM form goes into it, in slot `step-up`. */
  element: HTMLElement;
  uid: string;
  connection(): Connection;
  /** Tells the page about a broker failure the panel shows (`lk-error`). */
  reportError(error: unknown): void;
  /** Says `text` through the card's polite live region. */
  announce(text: string): void;
  /** The card draws its slot while the panel is open (and its `:state(step-up)`). */
  opened(open: boolean): void;
}

// Only the panel's own rules; fields, buttons and alerts are the forms' (form-styles.ts).
addFormStyles(`@layer latchkey{
${formScope} .lk-step-up{display:grid;gap:var(--_space-s);margin-block-end:var(--_space-l);padding:var(--_space-m);border:var(--_border-width) solid var(--_border);border-radius:var(--_radius)}
${formScope} .lk-step-up h3{margin:0;font-size:1.0625rem;font-weight:650}
${formScope} .lk-step-up p.lk-intro{margin:0;color:var(--_muted);font-size:var(--_font-size-s);line-height:1.5}
${formScope} .lk-step-up .lk-others{display:flex;flex-wrap:wrap;gap:var(--_space-s);margin:0;padding:0;list-style:none}
${formScope} .lk-step-up .lk-others button{inline-size:auto}}`);

const otherLabel = (method: StepUpMethod): string => {
  switch (method) {
    case 'password':
      return msg('Use your password', { id: 'step-up.use-password' });
    case 'totp':
      return msg('Use your authenticator app', { id: 'step-up.use-totp' });
    case 'recovery-code':
      return msg('Use a recovery code', { id: 'step-up.use-recovery-code' });
    case 'passkey':
      return msg('Use a passkey', { id: 'step-up.use-passkey' });
    case 'email-code':
      return msg('Email me a code', { id: 'step-up.use-email-code' });
  }
};

/** A wrong password reads as such here: the broker's `invalid_credentials` text speaks of an email too. */
const messageFor = (error: unknown) =>
  error instanceof LatchkeyError && error.code === 'invalid_credentials' ? msg('That password isn’t right. Try again.', { id: 'step-up.wrong-password' }) : errorMessage(error);

/**
 * Opens the panel and settles when it is done: resolved once the broker took a
 * proof (the session now holds a recent factor), rejected with `reason` on
 * Cancel or when the broker cannot even say what to ask for.
 *
 * @example
 * await confirmIdentity(host, refusal); // then run the refused change again
 */
export function confirmIdentity(host: StepUpHost, reason: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => new StepUpPanel(host, reason, resolve, reject).open());
}

class StepUpPanel {
  readonly #formHost = document.createElement('div');
  #challenge?: StepUpChallenge;
  #method?: StepUpMethod;
  #emailStep?: EmailCodeStep;
  #pending = false;
  #alert = '';
  #aborter = new AbortController();
  /** Where focus was (the button of the refused change), to go back to afterwards. */
  readonly #returnFocus: HTMLElement | null;

  constructor(
    readonly host: StepUpHost,
    readonly reason: unknown,
    readonly resolve: () => void,
    readonly reject: (reason: unknown) => void,
  ) {
    this.#formHost.slot = 'step-up';
    const root = host.element.shadowRoot;
    this.#returnFocus = (root?.activeElement ?? (document.activeElement === host.element ? null : document.activeElement)) as HTMLElement | null;
  }

  async open() {
    this.host.element.append(this.#formHost);
    adoptFormStyles(this.host.element.getRootNode());
    this.host.opened(true);
    this.#draw();
    try {
      const [challenge] = await Promise.all([startStepUp(this.host.connection(), { signal: this.#aborter.signal }), loadErrorMessages().catch(() => {})]);
      this.#challenge = challenge;
      this.#method = challenge.methods[0];
      this.#draw();
      this.#focusFirst();
    } catch (error) {
      this.#close();
      this.host.reportError(error);
      this.reject(error);
    }
  }

  #close() {
    this.#aborter.abort();
    render(nothing, this.#formHost);
    this.#formHost.remove();
    this.host.opened(false);
    this.#returnFocus?.focus();
  }

  #conn = () => this.host.connection();

  /** Runs one proof: on success the panel closes and the change is retried; on failure the panel says why and stays. */
  async #prove(run: (signal: AbortSignal) => Promise<unknown>) {
    if (this.#pending) return;
    this.#pending = true;
    this.#alert = '';
    this.#draw();
    try {
      await run(this.#aborter.signal);
      this.host.announce(msg('Confirmed.', { id: 'step-up.confirmed' }));
      this.#close();
      this.resolve();
    } catch (error) {
      this.#pending = false;
      // A closed passkey dialog is the user's doing: no alert, the panel waits.
      if (!(error instanceof PasskeyCeremonyError) && !this.#aborter.signal.aborted) {
        this.#alert = messageFor(error);
        this.host.reportError(error);
      }
      // A dead step-up (too many wrong answers, expired) takes no more: start another.
      if (error instanceof LatchkeyError && (error.code === 'too_many_attempts' || error.code === 'code_expired')) await this.#restart();
      this.#draw();
      this.#focusFirst(true);
    }
  }

  async #restart() {
    try {
      this.#challenge = await startStepUp(this.#conn(), { signal: this.#aborter.signal });
    } catch {
      // The next try says what is wrong.
    }
  }

  #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const flowId = this.#challenge!.flow_id;
    const method = this.#method;
    if (method === 'password') {
      if (!value('password')) return this.#fieldMissing(form, 'password');
      return void this.#prove((signal) => stepUpWithPassword(this.#conn(), { flow_id: flowId, password: value('password') }, { signal }));
    }
    if (method === 'totp' || method === 'recovery-code') {
      const code = value('code').trim();
      if (!code) return this.#fieldMissing(form, 'code');
      return void this.#prove((signal) => stepUpWithCode(this.#conn(), { flow_id: flowId, method, code }, { signal }));
    }
    if (method === 'email-code' && this.#emailStep) {
      const code = value('code').trim();
      if (!code) return this.#fieldMissing(form, 'code');
      const step = this.#emailStep;
      return void this.#prove((signal) => stepUpWithEmailCode(this.#conn(), { flow_id: step.flow_id, code }, { signal }));
    }
  };

  #fieldMissing(form: HTMLFormElement, name: string) {
    this.#alert = name === 'password' ? msg('Enter your password.', { id: 'step-up.password-missing' }) : msg('Enter the code.', { id: 'step-up.code-missing' });
    this.#draw();
    (form.elements.namedItem(name) as HTMLInputElement | null)?.focus();
  }

  #usePasskey = () =>
    void this.#prove(async (signal) => {
      const step = await startStepUpPasskey(this.#conn(), { signal });
      const credential = await getPasskey(step, signal);
      return stepUpWithPasskey(this.#conn(), { flow_id: step.flow_id, credential }, { signal });
    });

  #sendCode = async () => {
    if (this.#pending) return;
    this.#pending = true;
    this.#alert = '';
    this.#draw();
    try {
      this.#emailStep = await sendStepUpEmailCode(this.#conn(), { signal: this.#aborter.signal });
      this.host.announce(msg(str`We sent a code to ${this.#emailStep.email}.`, { id: 'step-up.code-sent' }));
    } catch (error) {
      this.#alert = messageFor(error);
      this.host.reportError(error);
    }
    this.#pending = false;
    this.#draw();
    this.#focusFirst();
  };

  #choose = (method: StepUpMethod) => {
    this.#method = method;
    this.#alert = '';
    this.#draw();
    this.#focusFirst();
  };

  #cancel = () => {
    this.#close();
    this.reject(this.reason);
  };

  /** The panel's first field (or its first button), as a new step's is; `select` keeps a wrong answer ready to retype. */
  #focusFirst(select = false) {
    const target = this.#formHost.querySelector<HTMLInputElement>('input:not([type=hidden])') ?? this.#formHost.querySelector<HTMLElement>('.lk-primary, button');
    target?.focus();
    if (select && target instanceof HTMLInputElement) target.select();
  }

  #draw() {
    render(this.#template(), this.#formHost, { host: this });
  }

  #template(): TemplateResult {
    const uid = `${this.host.uid}-su`;
    const form: FormState = { uid, fieldErrors: {}, pending: this.#pending, alert: this.#alert, now: Date.now() };
    const challenge = this.#challenge;
    const method = challenge && this.#method;
    const title = msg('Confirm it’s you', { id: 'step-up.title' });
    const alert = html`<p class="lk-alert" role="alert">${this.#alert}</p>`;
    const cancel = html`<button type="button" class="lk-secondary" data-action="cancel-step-up" @click=${this.#cancel}>${msg('Cancel')}</button>`;
    const others = challenge && method ? challenge.methods.filter((m) => m !== method) : [];
    // One section from loading to loaded, so the region (and what a reader is on) stays the same element.
    return html`<section class="lk-step-up" aria-labelledby="${uid}-title" aria-busy=${!method}> <h3 id="${uid}-title">${title}</h3> ${method
        ? html`<p class="lk-intro">${this.#intro(method)}</p> ${this.#body(form, method, alert)}`
        : html`<p class="lk-intro" role="status">${msg('Loading…', { id: 'step-up.loading' })}</p>`} ${others.length
        ? html`<ul class="lk-others" aria-label=${msg('Other ways to confirm', { id: 'step-up.others' })}>${others.map((m) => html`<li><button type="button" class="lk-secondary" data-method=${m} @click=${() => this.#choose(m)}>${otherLabel(m)}</button></li>`)}</ul>`
        : nothing} ${cancel} </section>`;
  }

  #intro(method: StepUpMethod): string {
    switch (method) {
      case 'password':
        return msg('This change needs a recent sign-in. Enter your password to continue.', { id: 'step-up.intro-password' });
      case 'totp':
        return msg('This change needs a recent sign-in. Enter the 6-digit code from your authenticator app.', { id: 'step-up.intro-totp' });
      case 'recovery-code':
        return msg('This change needs a recent sign-in. Enter one of your recovery codes. Each works once.', { id: 'step-up.intro-recovery-code' });
      case 'passkey':
        return msg('This change needs a recent sign-in. Confirm with one of your passkeys.', { id: 'step-up.intro-passkey' });
      case 'email-code':
        return this.#emailStep
          ? msg(str`We sent a code to ${this.#emailStep.email}. Enter it to continue.`, { id: 'step-up.intro-email-sent' })
          : msg(str`This change needs a recent sign-in. We can email a code to ${this.#challenge!.email}.`, { id: 'step-up.intro-email' });
    }
  }

  #body(form: FormState, method: StepUpMethod, alert: TemplateResult): TemplateResult {
    const confirm = renderSubmit(msg('Confirm', { id: 'step-up.confirm' }), this.#pending);
    const codeForm = (field: TemplateResult) => html`<form class="lk-form" novalidate @submit=${this.#onSubmit} @input=${submitWhenComplete}>${field} ${alert} ${confirm}</form>`;
    switch (method) {
      case 'password':
        return html`<form class="lk-form" novalidate @submit=${this.#onSubmit}> ${renderPasswordField(form, { name: 'password', label: msg('Password'), autocomplete: 'current-password' })} ${alert} ${confirm} </form>`;
      case 'totp':
        // Each method its own call site: switching draws a new, empty input.
        return codeForm(
          renderField(form, { name: 'code', label: msg('Verification code'), type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', className: 'lk-code', onInput: normaliseCode }),
        );
      case 'recovery-code':
        return codeForm(html`${renderField(form, { name: 'code', label: msg('Recovery code', { id: 'mfa.recovery-label' }), type: 'text', autocomplete: 'off' })}`);
      case 'email-code':
        if (!this.#emailStep) return html`${alert} ${renderSubmitButton(msg('Email me a code', { id: 'step-up.use-email-code' }), this.#pending, this.#sendCode)}`;
        return codeForm(
          html`${renderField(form, { name: 'code', label: msg('Verification code'), type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', className: 'lk-code', onInput: normaliseCode })}`,
        );
      case 'passkey':
        return html`${alert} ${renderSubmitButton(msg('Use a passkey', { id: 'step-up.use-passkey' }), this.#pending, this.#usePasskey)}`;
    }
  }
}

/** A primary button outside a form (a passkey, "Email me a code"): busy as the submit button is. */
function renderSubmitButton(label: string, pending: boolean, onClick: () => void): TemplateResult {
  return html`<button class="lk-primary" type="button" aria-disabled=${pending} @click=${() => !pending && onClick()}> ${pending ? html`<span class="lk-spinner" aria-hidden="true"></span>` : nothing}${label} </button>`;
}
