import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { confirmTotpEnrollment, LatchkeyError, startTotpEnrollment, type Connection, type TotpConfirmation, type TotpEnrollment } from '@latchkey/client';
import { msg } from '../localize.js';
import { addFormStyles, formScope as s } from '../form-styles.js';
import { LatestTask } from '../latest-task.js';
import { errorMessage } from '../messages.js';
import { qrCode } from '../qr-code.js';
import { renderRecoveryCodes } from '../recovery-codes.js';
import { renderAlert } from '../templates/alert.js';
import { normaliseCode, submitWhenComplete, triesLeft } from '../templates/code-field.js';
import { renderField } from '../templates/field.js';
import { linkStyles } from '../templates/links.js';
import { renderSubmit } from '../templates/submit.js';

// Adding an authenticator app, as lk-user-profile's "Two-step verification" section and
// lk-mfa (mode="enroll") both show it: a chunk of its own with the QR encoder, imported
// when the user starts, never with an element's first screen.

addFormStyles(linkStyles);
addFormStyles(`@layer latchkey{
${s} .lk-enrol-top{display:flex;flex-wrap:wrap;align-items:center;justify-content:center;gap:var(--_space-m)}
${s} .lk-manual{flex:1 1 13rem;display:grid;gap:var(--_space-s)}
${s} .lk-qr{flex:none;margin:0}
${s} .lk-qr svg{display:block;inline-size:10rem;max-inline-size:100%;block-size:auto;border-radius:var(--_space-xs);outline:var(--_border-width) solid var(--_border)}
${s} .lk-key-row{display:flex;flex-wrap:wrap;align-items:center;gap:var(--_space-xs) var(--_space-s)}
${s} .lk-key{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:var(--_font-size-s);letter-spacing:.06em;word-spacing:.2em;overflow-wrap:anywhere;color:var(--_text)}
${s} .lk-instructions{margin:0;font-size:var(--_font-size-s);line-height:1.5;color:var(--_muted)}
${s} .lk-row{display:flex;flex-wrap:wrap;gap:var(--_space-s)}
${s} .lk-row>*{flex:1 1 8rem;inline-size:auto}
${s} .lk-row>.lk-primary{margin-block-start:0}}`);

/** What the enrolment needs from the element that shows it. */
export interface EnrollmentOptions {
  /** The element: each request and answer updates it. */
  host: ReactiveControllerHost;
  /** The broker to ask, as the element's client connects to it. */
  conn(): Connection;
  /** Runs a change to the account's factors (lk-user-profile asks for a factor again first where the broker wants one). */
  sensitive<T>(action: () => Promise<T>): Promise<T>;
  /** The signed-in address (the downloaded codes name it). */
  account(): string;
  /** Says `text` through the element's polite live region. */
  announce(text: string): void;
  /** Focuses the first element of the light-DOM form matching `selector`, once drawn. */
  focus(selector: string): void;
  /** A request failed and the form shows why: tell the page (`lk-error`). */
  failed(error: unknown): void;
  /** The app is enrolled: the factor, and recovery codes when these are the account's first (then shown). */
  enrolled(confirmation: TotpConfirmation): void;
  /** The enrolment is over: confirmed and its codes saved, or cancelled. */
  closed(outcome: 'enrolled' | 'cancelled'): void;
}

/** Where the enrolment is: asking for a secret, showing it (with the code field), or showing the new codes. */
export type EnrollmentStage = 'starting' | 'scanning' | 'codes';

let nextId = 0;

/** The base32 key in groups of four, as apps ask for it ("ABCD EFGH …"). */
export const groupKey = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * One enrolment of an authenticator app: a new secret from the broker (shown
 * as a QR code of its `otpauth://` URI and as the key in groups of four, with
 * "Copy key"), the app's first code in a "Verification code" field
 * (`one-time-code`, light DOM, submitted once six digits are in), and, for the
 * account's first second factor, its ten recovery codes, shown once.
 *
 * @example
 * const enrollment = new (await import('../internal/mfa/enrollment.js')).AppEnrollment({ host: this, conn, sensitive, … });
 * enrollment.start();
 * html`${enrollment.render()}`
 */
export class AppEnrollment {
  stage: EnrollmentStage = 'starting';
  /** The secret being confirmed. */
  #enrollment?: TotpEnrollment;
  #codes: string[] = [];
  /** The code field's problem: found before sending, or the broker's `invalid_code`. */
  #fieldError?: string;
  readonly #uid = `lk-enrol${++nextId}`;
  readonly #start: LatestTask<[], TotpEnrollment>;
  readonly #confirm: LatestTask<[string], TotpConfirmation>;
  readonly #o: EnrollmentOptions;

  constructor(o: EnrollmentOptions) {
    this.#o = o;
    this.#start = new LatestTask(o.host, {
      task: (_: [], { signal }) => o.sensitive(() => startTotpEnrollment(o.conn(), { signal })),
      onComplete: (enrollment) => {
        this.#enrollment = enrollment;
        this.stage = 'scanning';
        o.focus('input[name="totp"]');
      },
      onError: (error) => {
        if (isAbort(error)) return;
        o.failed(error);
        o.focus('[data-action="retry-enrol"]');
      },
    });
    this.#confirm = new LatestTask(o.host, {
      task: ([code]: [string], { signal }) => o.sensitive(() => confirmTotpEnrollment(o.conn(), { enrollment_id: this.#enrollment!.enrollment_id, code }, { signal })),
      onComplete: (confirmation) => {
        o.enrolled(confirmation);
        o.announce(msg('Two-step verification is on.', { id: 'enrol.on' }));
        if (!confirmation.recovery_codes?.length) return o.closed('enrolled');
        this.#codes = confirmation.recovery_codes;
        this.stage = 'codes';
        o.focus('[data-action="copy-codes"]');
      },
      onError: (error) => {
        if (isAbort(error)) return;
        o.failed(error);
        if (error instanceof LatchkeyError && error.code === 'invalid_code') {
          const left = error.problem?.attempts_left;
          this.#fieldError = `${msg("That code didn't work. Check the time on your phone and enter the newest code.", { id: 'enrol.wrong-code' })}${left !== undefined && left <= 3 ? ` ${triesLeft(left)}` : ''}`;
          o.focus('input[name="totp"]');
        }
      },
    });
  }

  /** The heading of the stage on screen. */
  get title(): string {
    return this.stage === 'codes' ? msg('Save your recovery codes', { id: 'enrol.codes-title' }) : msg('Set up your authenticator app', { id: 'enrol.title' });
  }

  /** A request runs. */
  get pending(): boolean {
    return this.#start.status === 'pending' || this.#confirm.status === 'pending';
  }

  /** Asks the broker for a new secret (again, after a failure or an expired setup). */
  start(): void {
    this.stage = 'starting';
    this.#fieldError = undefined;
    void this.#start.run([]);
  }

  /** Stops whatever runs (the element leaves the page, or the user cancels). */
  abort(): void {
    this.#start.abort();
    this.#confirm.abort();
  }

  #cancel = () => {
    this.abort();
    this.#o.closed('cancelled');
  };

  #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (this.#confirm.status === 'pending') return;
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('totp') as HTMLInputElement;
    const code = input.value.replace(/\D/g, '');
    if (!/^\d{6}$/.test(code)) {
      this.#fieldError = msg('Enter the 6-digit code from your authenticator app.', { id: 'mfa.enter-totp' });
      this.#o.host.requestUpdate();
      input.focus();
      return;
    }
    this.#fieldError = undefined;
    void this.#confirm.run([code]);
  };

  #copyKey = () =>
    void navigator.clipboard.writeText(this.#enrollment!.secret).then(
      () => this.#o.announce(msg('Key copied.', { id: 'enrol.key-copied' })),
      () => this.#o.announce(msg("Couldn't copy. Select the key and copy it yourself.", { id: 'enrol.copy-failed' })),
    );

  /** The light-DOM form of the stage on screen. */
  render(): TemplateResult {
    if (this.stage === 'codes') return renderRecoveryCodes({ codes: this.#codes, account: this.#o.account(), announce: this.#o.announce, onDone: () => this.#o.closed('enrolled') });
    if (this.stage === 'starting') return this.#renderStarting();
    return this.#renderScanning(this.#enrollment!);
  }

  #renderStarting(): TemplateResult {
    const failed = this.#start.status === 'error' && !isAbort(this.#start.error);
    if (!failed) return html`<div class="lk-form" role="status"><span class="lk-spinner" aria-hidden="true"></span><span class="lk-instructions">${msg('Preparing your key…', { id: 'enrol.preparing' })}</span></div>`;
    return html`<div class="lk-form"> ${renderAlert(errorMessage(this.#start.error))} <div class="lk-row"> <button type="button" class="lk-primary" data-action="retry-enrol" @click=${() => this.start()}>${msg('Try again')}</button> <button type="button" class="lk-secondary" data-action="cancel-enrol" @click=${this.#cancel}>${msg('Cancel')}</button> </div> </div>`;
  }

  #renderScanning(enrollment: TotpEnrollment): TemplateResult {
    const error = this.#confirm.status === 'error' && !isAbort(this.#confirm.error) ? this.#confirm.error : undefined;
    // A setup that expired or took its tries can only start again.
    const dead = error instanceof LatchkeyError && (error.code === 'code_expired' || error.code === 'too_many_attempts');
    const alert = error === undefined || (error instanceof LatchkeyError && error.code === 'invalid_code') ? '' : dead ? msg('This setup has expired. Start again to get a new key.', { id: 'enrol.expired' }) : errorMessage(error);
    const fieldErrors: Record<string, string> = this.#fieldError ? { totp: this.#fieldError } : {};
    const form = { uid: this.#uid, fieldErrors, pending: this.#confirm.status === 'pending', alert, now: Date.now() };
    return html`<form class="lk-form lk-enrol" novalidate @submit=${this.#onSubmit} @input=${submitWhenComplete}> <div class="lk-enrol-top"> <figure class="lk-qr">${qrCode(enrollment.uri, msg('QR code for your authenticator app', { id: 'enrol.qr-label' }))}</figure> <div class="lk-manual"> <p class="lk-instructions">${msg('Scan this QR code with an authenticator app such as Google Authenticator, Microsoft Authenticator, 1Password or Authy.', { id: 'enrol.scan' })}</p> <p class="lk-instructions">${msg("Can't scan it? Enter this key in the app instead:", { id: 'enrol.manual' })}</p> <div class="lk-key-row"> <code class="lk-key" dir="ltr" data-key=${enrollment.secret}>${groupKey(enrollment.secret)}</code> <button type="button" class="lk-link" data-action="copy-key" @click=${this.#copyKey}>${msg('Copy key', { id: 'enrol.copy-key' })}</button> </div> </div> </div> ${dead
        ? nothing
        : renderField(form, {
            name: 'totp',
            label: msg('Verification code'),
            type: 'text',
            autocomplete: 'one-time-code',
            inputmode: 'numeric',
            className: 'lk-code',
            onInput: normaliseCode,
            hint: msg('The 6-digit code the app shows for this account.', { id: 'enrol.code-hint' }),
          })} ${renderAlert(alert)} <div class="lk-row"> ${dead
        ? html`<button type="button" class="lk-primary" data-action="retry-enrol" @click=${() => this.start()}>${msg('Start again', { id: 'enrol.start-again' })}</button>`
        : renderSubmit(msg('Turn on', { id: 'enrol.turn-on' }), form.pending)} <button type="button" class="lk-secondary" data-action="cancel-enrol" @click=${this.#cancel}>${msg('Cancel')}</button> </div> </form>`;
  }
}
