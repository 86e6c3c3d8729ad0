import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg, str } from '@lit/localize';
import { Task, TaskStatus } from '@lit/task';
import { LIMITS, type DoneStep, type EmailCodeStep, type LatchkeyClient, type SessionState } from '@latchkey/client';
import { LkSignedInEvent } from '../events/signed-in.js';
import { LkFormElement } from './base.js';
import { errorMessage } from './messages.js';

/** One input of a light-DOM form. */
export interface FieldOptions {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value?: string;
  hint?: string;
  /** Something on the label's line, e.g. a "Forgot password?" link. */
  aside?: TemplateResult;
  inputmode?: 'numeric' | 'email';
  maxlength?: number;
  className?: string;
  required?: boolean;
}

/**
 * A multi-step form element: the current step (`view`), one `Task` that runs
 * every step's request, field validation, and the templates steps share.
 * Every step change goes through the task, so a stale error never lingers.
 */
export abstract class LkFlowElement<View extends { name: string }> extends LkFormElement {
  @state() protected view: View;
  @state() protected fieldErrors: Record<string, string> = {};
  /** Ticks once a second while a resend countdown is showing. */
  @state() protected now = Date.now();
  private ticker?: ReturnType<typeof setInterval>;

  protected readonly submit = new Task(this, {
    autoRun: false,
    task: async ([action]: [(client: LatchkeyClient, signal: AbortSignal) => Promise<View>], { signal }) => {
      try {
        this.go(await action(this.requireClient(), signal));
      } catch (error) {
        this.reportError(error);
        throw error;
      }
    },
  });

  constructor(private readonly first: View) {
    super();
    this.view = first;
  }

  /** Signed out somewhere (the user button, another tab): start over instead of showing "signed in". */
  protected override sessionChanged(state: SessionState) {
    if (state.status === 'signed-out' && this.view.name === 'done') this.goTo(this.first);
  }

  /** Runs a step's request; ignored while one is already running. */
  protected run(action: (client: LatchkeyClient, signal: AbortSignal) => Promise<View>) {
    if (this.submit.status === TaskStatus.PENDING) return;
    void this.submit.run([action]).catch(() => {});
  }

  /** Goes to a step without a request (links such as "Use another email"). */
  protected goTo(view: View) {
    this.run(async () => view);
  }

  private go(view: View) {
    const changed = view.name !== this.view.name;
    this.view = view;
    this.fieldErrors = {};
    this.now = Date.now();
    if (changed) this.focusTitle();
  }

  protected get pending() {
    return this.submit.status === TaskStatus.PENDING;
  }

  /** Tells the page about a sign-in and follows `return_to` unless a listener prevented it. */
  protected signedIn(done: DoneStep) {
    const proceed = this.emit(new LkSignedInEvent({ user: done.user, session: done.session, return_to: done.return_to }));
    if (proceed && done.return_to) window.location.assign(done.return_to);
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    this.setStates([`step-${this.view.name}`, ...(this.pending ? ['loading'] : [])]);
    const counting = 'flow' in this.view && Date.parse((this.view as { flow: EmailCodeStep }).flow.resend_after) > this.now;
    if (counting && !this.ticker) this.ticker = setInterval(() => (this.now = Date.now()), 1000);
    if (!counting && this.ticker) this.ticker = void clearInterval(this.ticker);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this.ticker) this.ticker = void clearInterval(this.ticker);
  }

  /**
   * Checks the named inputs before anything is sent. Shows each problem under
   * its field and focuses the first; returns their values when all are good.
   */
  protected validate(names: string[]): Record<string, string> | undefined {
    const errors: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const name of names) {
      const input = this.field(name);
      if (!input) continue;
      const value = input.type === 'password' ? input.value : input.value.trim();
      values[name] = value;
      const problem = this.problemWith(name, input, value);
      if (problem) errors[name] = problem;
    }
    this.fieldErrors = errors;
    const first = names.find((n) => errors[n]);
    if (first) {
      void this.updateComplete.then(() => this.field(first)?.focus());
      return undefined;
    }
    return values;
  }

  private problemWith(name: string, input: HTMLInputElement, value: string): string | undefined {
    if (input.type === 'email') {
      if (!value) return msg('Enter your email address.', { id: 'field.email.missing' });
      if (!input.validity.valid || value.length > LIMITS.emailMaxLength) return msg('Enter a valid email address, like name@example.com.', { id: 'field.email.invalid' });
    }
    if (name === 'code' && !/^\d{6}$/.test(value)) return msg('Enter the 6-digit code from the email.', { id: 'field.code.invalid' });
    if (input.autocomplete === 'current-password' && !value) return msg('Enter your password.', { id: 'field.password.missing' });
    if (input.autocomplete === 'new-password') {
      if (value.length < LIMITS.passwordMinLength) return msg(str`Use at least ${LIMITS.passwordMinLength} characters.`, { id: 'field.password.short' });
      if (value.length > LIMITS.passwordMaxLength) return msg(str`Use at most ${LIMITS.passwordMaxLength} characters.`, { id: 'field.password.long' });
    }
    return undefined;
  }

  /**
   * The shadow card: the step's heading (focused on each step change), its
   * subtitle, the slotted light-DOM form, and a footer line.
   */
  protected renderCard(title: string, subtitle: string | undefined, footer: TemplateResult | typeof nothing): TemplateResult {
    return html`<div part="base">
      <header part="header">
        <h2 part="title" tabindex="-1">${title}</h2>
        ${subtitle ? html`<p part="subtitle">${subtitle}</p>` : nothing}
      </header>
      <slot name="form"></slot>
      <footer part="footer">${footer}</footer>
    </div>`;
  }

  /** One labelled input with its hint and error, wired with aria-describedby. */
  /** @internal for the step templates */
  renderField(o: FieldOptions): TemplateResult {
    const id = `${this.uid}-${o.name}`;
    const error = this.fieldErrors[o.name];
    // The error replaces the hint: it says the same thing, more pointedly.
    const hint = error ? undefined : o.hint;
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="lk-field">
      <div class="lk-label-row"><label for=${id}>${o.label}</label>${o.aside ?? nothing}</div>
      <input
        id=${id}
        name=${o.name}
        type=${o.type}
        class=${ifDefined(o.className)}
        autocomplete=${o.autocomplete}
        inputmode=${ifDefined(o.inputmode)}
        maxlength=${ifDefined(o.maxlength)}
        ?required=${o.required ?? true}
        .value=${o.value ?? ''}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${ifDefined(describedBy || undefined)}
        spellcheck="false"
        autocapitalize="off"
      />
      ${hint ? html`<p class="lk-hint" id="${id}-hint">${hint}</p>` : nothing}
      ${error ? html`<p class="lk-field-error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  /**
   * A field password managers read to pair the email with the password on
   * steps where the email is not an input.
   */
  /** @internal for the step templates */
  renderUsernameHint(email: string): TemplateResult {
    return html`<input class="lk-visually-hidden" type="email" name="username" autocomplete="username" .value=${email} tabindex="-1" aria-hidden="true" readonly />`;
  }

  /** The live region where a failed request says what went wrong. */
  /** @internal for the step templates */
  renderAlert(): TemplateResult {
    return html`<p class="lk-alert" role="alert" aria-live="assertive">${this.submit.render({ error: (e) => errorMessage(e) })}</p>`;
  }

  /** @internal for the step templates */
  renderSubmit(label: string): TemplateResult {
    return html`<button class="lk-primary" type="submit" aria-disabled=${this.pending ? 'true' : 'false'}>
      ${this.pending ? html`<span class="lk-spinner" aria-hidden="true"></span>` : nothing}${label}
    </button>`;
  }

  /** The code field and "Resend code" (with its countdown) of any mailed-code step. */
  /** @internal for the step templates */
  renderCodeField(flow: EmailCodeStep, resend: () => void): TemplateResult {
    const wait = Math.ceil((Date.parse(flow.resend_after) - this.now) / 1000);
    const aside = html`<button type="button" class="lk-link" ?disabled=${wait > 0} @click=${resend}>
      ${wait > 0 ? msg(str`Resend in ${wait} s`, { id: 'code.resend-wait' }) : msg('Resend code', { id: 'code.resend' })}
    </button>`;
    return html`${this.renderUsernameHint(flow.email)}
    ${this.renderField({
      name: 'code',
      label: msg('Verification code', { id: 'field.code.label' }),
      type: 'text',
      autocomplete: 'one-time-code',
      inputmode: 'numeric',
      maxlength: LIMITS.codeLength,
      className: 'lk-code',
      aside,
    })}`;
  }

  /** Submits the form as soon as all six digits are in (typed, pasted or autofilled). */
  /** @internal for the step templates */
  onCodeInput = (event: InputEvent) => {
    const input = event.target as HTMLInputElement;
    if (input.name === 'code' && /^\d{6}$/.test(input.value)) input.form?.requestSubmit();
  };
}
