import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { finishEmailChange, resendEmailCode, startEmailChange, type EmailCodeStep, type User } from '@latchkey/client';
import { errorMessage, withMessages } from '../internal/messages.js';
import { fieldProblem } from '../internal/validation.js';
import { codeFieldFailure, emailFailure, emailFieldProblem } from './account.messages.js';
import { renderEmailForm, renderEmailSection } from './email.template.js';
import { LightForm } from './light-form.js';
import type { ProfileSection, SectionHost } from './section.js';
import { isAbort, reportSectionFailure } from '../internal/sections/section-failure.js';

let uids = 0;

/**
 * The "Email address" section of `lk-user-profile`: the address in use and
 * "Change email". The new address and then the code mailed to it are typed in
 * the element's light DOM. Sending the address is a sensitive change
 * (`host.sensitive`); the code proves the new mailbox, and the broker tells the
 * old one. The answer is the same whether or not the new address has an
 * account, so this section never learns it: a taken address's code never comes.
 */
export class EmailSection implements ProfileSection {
  #user?: User;
  #editing = false;
  #step?: EmailCodeStep;
  #resent = false;
  #fieldErrors: Record<string, string> = {};
  #alert?: string;
  /** Ticks once a second while the code step shows, so "Resend in 12 s" counts down. */
  #ticker?: ReturnType<typeof setInterval>;
  readonly #uid = `lk-em${++uids}`;
  readonly #start: LatestTask<[string], EmailCodeStep>;
  readonly #verify: LatestTask<[string, string], User>;
  readonly #resend: LatestTask<[string], EmailCodeStep>;
  readonly #form: LightForm;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#host = host;
    this.#section = section;
    this.#form = new LightForm(host, 'email-form');
    host.addController(this);
    this.#start = new LatestTask(host, {
      task: ([email]: [string], { signal }) => withMessages(this.#section.sensitive(() => startEmailChange(this.#conn(), { email }, { signal }))),
      onComplete: (step) => {
        this.#step = step;
        this.#resent = false;
        this.#tick(true);
        this.#section.announce(msg(str`We sent a code to ${step.email}.`, { id: 'profile.email.code-announced' }));
        this.#focus('input[name="code"]');
      },
      onError: (error) => this.#refused(error, 'email'),
    });
    this.#verify = new LatestTask(host, {
      task: ([flowId, code]: [string, string], { signal }) => withMessages(finishEmailChange(this.#conn(), { flow_id: flowId, code }, { signal })),
      onComplete: (user) => {
        this.#close();
        this.#section.announce(msg(str`Your email address is now ${user.email}.`, { id: 'profile.email.changed' }));
        // Every element on the page shows the new address.
        void this.#section.client().session.refresh().catch(() => {});
        this.#section.focus('[data-action="edit-email"]');
      },
      onError: (error) => this.#refused(error, 'code'),
    });
    this.#resend = new LatestTask(host, {
      task: ([flowId]: [string], { signal }) => withMessages(resendEmailCode(this.#conn(), { flow_id: flowId }, { signal })),
      onComplete: (step) => {
        this.#step = step;
        this.#resent = true;
        this.#focus('input[name="code"]');
      },
      onError: (error) => this.#refused(error, 'code'),
    });
  }

  get states(): string[] {
    return this.#step ? ['email-code'] : this.#editing ? ['changing-email'] : [];
  }

  subjectChanged(user: User | undefined) {
    const same = user?.id === this.#user?.id;
    this.#user = user;
    if (same) return this.#host.requestUpdate();
    this.#close();
    this.#alert = undefined;
  }

  hostConnected() {}

  hostDisconnected() {
    this.#tick(false);
  }

  hostUpdated() {
    const pending = [this.#start, this.#verify, this.#resend].some((t) => t.status === 'pending');
    this.#form.render(
      this.#editing
        ? renderEmailForm({ uid: this.#uid, fieldErrors: this.#fieldErrors, pending, alert: '', now: Date.now(), resent: this.#resent }, this.#step, this.#callbacks)
        : nothing,
    );
  }

  #conn() {
    return this.#section.client().connection;
  }

  #tick(on: boolean) {
    clearInterval(this.#ticker);
    this.#ticker = on ? setInterval(() => this.#host.requestUpdate(), 1000) : undefined;
  }

  #focus(selector: string) {
    // Asked here: a task's onComplete runs before it asks its host to update.
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#form.query<HTMLInputElement>(selector)?.focus());
  }

  #close() {
    for (const task of [this.#start, this.#verify, this.#resend]) task.abort();
    this.#tick(false);
    this.#editing = false;
    this.#step = undefined;
    this.#fieldErrors = {};
    this.#host.requestUpdate();
  }

  /** A refused request: at its field where the broker says so, else in the section's alert. */
  #refused(error: unknown, field: 'email' | 'code') {
    if (isAbort(error)) return;
    const atField = field === 'email' ? emailFieldProblem(error) : codeFieldFailure(error) ? errorMessage(error) : undefined;
    if (atField) this.#fieldErrors = { [field]: atField };
    else this.#alert = emailFailure(error);
    reportSectionFailure(this.#section, error);
    this.#focus(`input[name="${field}"]`);
  }

  /** Checks the field before anything is sent; undefined (and the problem shown) when it is not fine. */
  #valueOf(name: string): string | undefined {
    const input = this.#form.query<HTMLInputElement>(`input[name="${name}"]`)!;
    const problem = fieldProblem(name, input, input.value.trim());
    this.#fieldErrors = problem ? { [name]: problem } : {};
    this.#alert = undefined;
    this.#resent = false;
    if (!problem) return input.value.trim();
    this.#host.requestUpdate();
    input.focus();
    return undefined;
  }

  readonly #callbacks = {
    onSubmitEmail: (event: SubmitEvent) => {
      event.preventDefault();
      if (this.#start.status === 'pending') return;
      const email = this.#valueOf('email');
      if (email !== undefined) void this.#start.run([email]);
    },
    onSubmitCode: (event: SubmitEvent) => {
      event.preventDefault();
      if (this.#verify.status === 'pending' || !this.#step) return;
      const code = this.#valueOf('code');
      if (code !== undefined) void this.#verify.run([this.#step.flow_id, code]);
    },
    onResend: () => {
      if (this.#step && this.#resend.status !== 'pending') void this.#resend.run([this.#step.flow_id]);
    },
    onCancel: () => {
      this.#close();
      this.#section.focus('[data-action="edit-email"]');
    },
  };

  #onEdit = () => {
    this.#editing = true;
    this.#alert = undefined;
    this.#fieldErrors = {};
    this.#host.requestUpdate();
    this.#focus('input[name="email"]');
  };

  render(): TemplateResult {
    return renderEmailSection({ email: this.#user?.email ?? '', editing: this.#editing, step: this.#step, alert: this.#alert }, this.#onEdit);
  }
}
