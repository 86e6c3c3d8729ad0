import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { changePassword, getPasswordStatus, type PasswordChanged, type User } from '@latchkey/client';
import { errorMessage, withMessages } from '../internal/messages.js';
import { fieldProblem } from '../internal/validation.js';
import { passwordFailure, passwordFieldProblem } from './account.messages.js';
import { LightForm } from './light-form.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import { renderPasswordForm, renderPasswordSection } from './password.template.js';
import type { ProfileSection, SectionHost } from './section.js';
import { isAbort, reportSectionFailure } from '../internal/sections/section-failure.js';

let uids = 0;

/**
 * The "Password" section of `lk-user-profile`: whether the account has a
 * password (`getPasswordStatus`), and "Set a password" or "Change password",
 * which opens a new-password field in the element's light DOM (password
 * managers offer to save it there). Saving is a sensitive change
 * (`host.sensitive`): the broker asks for a recent sign-in first. A weak
 * password is explained at the field; the broker signs the other devices out.
 */
export class PasswordSection implements ProfileSection {
  #hasPassword?: boolean;
  #editing = false;
  #fieldErrors: Record<string, string> = {};
  #alert?: string;
  #user?: User;
  readonly #uid = `lk-pw${++uids}`;
  readonly #status: LatestTask<[], boolean>;
  readonly #save: LatestTask<[string], PasswordChanged>;
  readonly #form: LightForm;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#host = host;
    this.#section = section;
    this.#form = new LightForm(host, 'password-form');
    host.addController(this);
    this.#status = new LatestTask(host, {
      task: async (_: [], { signal }) => (await getPasswordStatus(this.#conn(), { signal })).has_password,
      onComplete: (has) => (this.#hasPassword = has),
      onError: (error) => this.#failed(error),
    });
    this.#save = new LatestTask(host, {
      task: ([password]: [string], { signal }) => withMessages(this.#section.sensitive(() => changePassword(this.#conn(), { password }, { signal }))),
      onComplete: (changed) => {
        this.#hasPassword = true;
        this.#editing = false;
        this.#section.announce(
          changed.replaced
            ? msg('Password changed. Your other devices were signed out.', { id: 'profile.password.changed' })
            : msg('Password set. You can now sign in with it.', { id: 'profile.password.added' }),
        );
        this.#section.focus('[data-action="edit-password"]');
      },
      onError: (error) => {
        if (isAbort(error)) return;
        const atField = passwordFieldProblem(error);
        if (atField) this.#fieldErrors = { password: atField };
        else this.#alert = passwordFailure(error);
        this.#failed(error);
        this.#focusField();
      },
    });
  }

  get states(): string[] {
    return this.#save.status === 'pending' ? ['saving-password'] : [];
  }

  subjectChanged(user: User | undefined) {
    if (user?.id === this.#user?.id) return;
    this.#user = user;
    this.#status.abort();
    this.#save.abort();
    this.#hasPassword = this.#alert = undefined;
    this.#editing = false;
    if (user) void this.#status.run([]);
  }

  hostConnected() {}

  hostUpdated() {
    const user = this.#user;
    this.#form.render(
      this.#editing && user
        ? renderPasswordForm(
            { uid: this.#uid, fieldErrors: this.#fieldErrors, pending: this.#save.status === 'pending', alert: '', now: Date.now() },
            user.email,
            { onSubmit: this.#onSubmit, onCancel: this.#onCancel },
          )
        : nothing,
    );
  }

  #conn() {
    return this.#section.client().connection;
  }

  #failed(error: unknown) {
    reportSectionFailure(this.#section, error);
  }

  #focusField() {
    // Asked here: a task's onComplete runs before it asks its host to update.
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#form.query<HTMLInputElement>('input[name="password"]')?.focus());
  }

  #onEdit = () => {
    this.#editing = true;
    this.#fieldErrors = {};
    this.#alert = undefined;
    this.#host.requestUpdate();
    this.#focusField();
  };

  #onCancel = () => {
    this.#save.abort();
    this.#editing = false;
    this.#host.requestUpdate();
    this.#section.focus('[data-action="edit-password"]');
  };

  #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (this.#save.status === 'pending') return;
    const input = this.#form.query<HTMLInputElement>('input[name="password"]')!;
    const problem = fieldProblem('password', input, input.value);
    this.#fieldErrors = problem ? { password: problem } : {};
    this.#alert = undefined;
    if (problem) {
      this.#host.requestUpdate();
      this.#focusField();
      return;
    }
    void this.#save.run([input.value]);
  };

  render(): TemplateResult {
    const { status, error } = this.#status;
    const body =
      status === 'error' && !isAbort(error)
        ? renderLoadFailed(errorMessage(error), () => void this.#status.run([]))
        : status === 'complete'
          ? nothing
          : renderRowsLoading(msg('Loading your account…'), 1);
    return renderPasswordSection({ hasPassword: this.#hasPassword, editing: this.#editing, alert: this.#alert }, body, this.#onEdit);
  }
}
