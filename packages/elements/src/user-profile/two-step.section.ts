import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { deleteTotp, getMfaStatus, LatchkeyError, regenerateRecoveryCodes, type MfaStatus, type RecoveryCodes, type User } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { errorMessage } from '../internal/messages.js';
import { LkMfaEnrolledEvent } from '../events/mfa-enrolled.js';
import type { AppEnrollment } from '../internal/mfa/enrollment.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import { chunkFailed } from './two-step.messages.js';
import { renderTwoStep, renderTwoStepSection, type TwoStepCallbacks } from './two-step.template.js';
import type { ProfileSection, SectionHost } from './section.js';

/** New recovery codes on screen, with their view's module (a chunk). */
type ShownCodes = { codes: RecoveryCodes; view: typeof import('../internal/recovery-codes.js') };

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

// What only an enrolment or new codes draw (the QR encoder among them): chunks of their own.
const importEnrollment = () => import('../internal/mfa/enrollment.js');
const importRecoveryCodes = () => import('../internal/recovery-codes.js');

/**
 * The "Two-step verification" section of `lk-user-profile`: off, with "Set up
 * an authenticator app" (the enrolment, its QR code and "Verification code"
 * field, then the ten recovery codes, shown once: `AppEnrollment`, shared with
 * `lk-mfa`); or on, with the app and when it was added and last used, how many
 * recovery codes are left, "Regenerate recovery codes" and "Remove" (each after
 * a yes). Every change runs through `host.sensitive`. The forms with the code
 * field and the codes render into the element's light DOM (`renderLight`,
 * slot `two-step`).
 */
export class TwoStepSection implements ProfileSection {
  /** The light-DOM slot this section's forms render into. */
  readonly slot = 'two-step';
  #status?: MfaStatus;
  #user?: User;
  #enrollment?: AppEnrollment;
  /** New recovery codes on screen, with the view's render function (its chunk). */
  #codes?: ShownCodes;
  #confirmingRemove = false;
  #confirmingRegenerate = false;

  readonly #load: LatestTask<[], MfaStatus>;
  readonly #setUp: LatestTask<[], typeof import('../internal/mfa/enrollment.js')>;
  readonly #remove: LatestTask<[string], void>;
  readonly #regenerate: LatestTask<[], ShownCodes>;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#host = host;
    this.#section = section;
    host.addController(this);
    // The passkeys section's changes, so "Your passkeys work as a second step too" follows them.
    const passkeysBy = (change: number) => () => {
      if (this.#status) this.#status = { ...this.#status, passkeys: Math.max(0, this.#status.passkeys + change) };
    };
    host.addEventListener('lk-passkey-added', passkeysBy(1));
    host.addEventListener('lk-passkey-deleted', passkeysBy(-1));
    this.#load = new LatestTask(host, {
      task: (_: [], { signal }) => getMfaStatus(this.#conn(), { signal }),
      onComplete: (status) => (this.#status = status),
      onError: (error) => this.#failed(error),
    });
    this.#setUp = new LatestTask(host, {
      task: () => importEnrollment(),
      onComplete: ({ AppEnrollment }) => {
        this.#enrollment = new AppEnrollment({
          host,
          conn: () => this.#conn(),
          sensitive: (action) => this.#section.sensitive(action),
          account: () => this.#user?.email ?? '',
          announce: (text) => this.#section.announce(text),
          focus: (selector) => this.#focusLight(selector),
          failed: (error) => this.#failed(error),
          enrolled: (confirmation) => {
            const codes = confirmation.recovery_codes;
            this.#status = {
              ...this.#status!,
              factors: [confirmation.factor],
              recovery_codes: codes ? { remaining: codes.length, created_at: confirmation.factor.created_at } : this.#status!.recovery_codes,
            };
            this.#section.emit(new LkMfaEnrolledEvent({ factor: confirmation.factor }));
          },
          closed: (outcome) => {
            this.#enrollment = undefined;
            this.#host.requestUpdate();
            this.#section.focus(outcome === 'enrolled' ? '[data-action="remove-app"]' : '[data-action="set-up"]');
          },
        });
        this.#enrollment.start();
      },
    });
    this.#remove = new LatestTask(host, {
      task: ([id]: [string], { signal }) => this.#section.sensitive(() => deleteTotp(this.#conn(), id, { signal })),
      onComplete: () => {
        this.#status = { ...this.#status!, factors: [], recovery_codes: { remaining: 0, created_at: null } };
        this.#confirmingRemove = false;
        this.#section.announce(msg('Two-step verification is off.', { id: 'two-step.off' }));
        this.#section.focus('[data-action="set-up"]');
      },
      onError: (error) => {
        this.#failed(error);
        this.#section.focus('[data-action="cancel-remove"]');
      },
    });
    this.#regenerate = new LatestTask(host, {
      task: async (_: [], { signal }) => {
        const [codes, view] = await Promise.all([this.#section.sensitive(() => regenerateRecoveryCodes(this.#conn(), { signal })), importRecoveryCodes()]);
        return { codes, view };
      },
      onComplete: (shown) => {
        this.#codes = shown;
        this.#confirmingRegenerate = false;
        this.#status = { ...this.#status!, recovery_codes: { remaining: shown.codes.codes.length, created_at: shown.codes.created_at } };
        this.#section.announce(msg('New recovery codes made. Your old codes no longer work.', { id: 'two-step.regenerated' }));
        this.#focusLight('[data-action="copy-codes"]');
      },
      onError: (error) => {
        this.#failed(error);
        this.#section.focus('[data-action="cancel-regenerate"]');
      },
    });
  }

  get states(): string[] {
    const states = [];
    if (this.#load.status === 'pending') states.push('loading');
    if (this.#enrollment || this.#setUp.status === 'pending') states.push('enrolling-mfa');
    return states;
  }

  subjectChanged(user: User | undefined) {
    if (user?.id === this.#user?.id) return;
    this.#user = user;
    for (const task of [this.#load, this.#remove, this.#regenerate]) task.abort();
    this.#enrollment?.abort();
    this.#status = this.#enrollment = this.#codes = undefined;
    this.#confirmingRemove = this.#confirmingRegenerate = false;
    if (user) void this.#load.run([]);
  }

  hostConnected() {}

  hostDisconnected() {
    this.#enrollment?.abort();
  }

  #conn() {
    return this.#section.client().connection;
  }

  #failed(error: unknown) {
    if (isAbort(error)) return;
    this.#section.reportError(error);
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') this.#section.client().session.set(null);
  }

  /** Focuses in the light-DOM form, once drawn. */
  #focusLight(selector: string) {
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => this.#host.querySelector<HTMLElement>(`[slot="${this.slot}"] ${selector}`)?.focus());
  }

  readonly #callbacks: TwoStepCallbacks = {
    onSetUp: () => {
      if (this.#setUp.status !== 'pending') void this.#setUp.run([]);
    },
    onStartRemove: () => {
      this.#confirmingRegenerate = false;
      this.#confirmingRemove = true;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="cancel-remove"]');
    },
    onRemove: () => {
      const app = this.#status?.factors[0];
      if (app && this.#remove.status !== 'pending') void this.#remove.run([app.id]);
    },
    onCancelRemove: () => {
      this.#remove.abort();
      this.#confirmingRemove = false;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="remove-app"]');
    },
    onStartRegenerate: () => {
      this.#confirmingRemove = false;
      this.#confirmingRegenerate = true;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="cancel-regenerate"]');
    },
    onRegenerate: () => {
      if (this.#regenerate.status !== 'pending') void this.#regenerate.run([]);
    },
    onCancelRegenerate: () => {
      this.#regenerate.abort();
      this.#confirmingRegenerate = false;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="regenerate"]');
    },
  };

  /** The failure of `task`'s last run, as the section says it; undefined while it runs, or when it worked or was stopped. */
  #errorOf(task: { readonly status: string; readonly error: unknown }): string | undefined {
    return task.status === 'error' && !isAbort(task.error) ? errorMessage(task.error) : undefined;
  }

  render(): TemplateResult {
    const { status, error } = this.#load;
    if (!this.#status) {
      const body =
        status !== 'error' || isAbort(error)
          ? renderRowsLoading(msg('Loading your two-step verification…', { id: 'two-step.loading' }), 1)
          : renderLoadFailed(errorMessage(error), () => void this.#load.run([]));
      return renderTwoStepSection(body);
    }
    const panel = this.#enrollment ? { title: this.#enrollment.title } : this.#codes ? { title: msg('Save your recovery codes', { id: 'enrol.codes-title' }) } : undefined;
    return renderTwoStepSection(
      renderTwoStep(
        {
          status: this.#status,
          panel,
          starting: this.#setUp.status === 'pending',
          startError: this.#setUp.status === 'error' && !isAbort(this.#setUp.error) ? chunkFailed() : undefined,
          removing: this.#confirmingRemove ? { pending: this.#remove.status === 'pending', error: this.#errorOf(this.#remove) } : undefined,
          regenerating: this.#confirmingRegenerate ? { pending: this.#regenerate.status === 'pending', error: this.#errorOf(this.#regenerate) } : undefined,
        },
        this.#callbacks,
      ),
    );
  }

  /** The light-DOM form: the enrolment's stage, or the new recovery codes; nothing otherwise. */
  renderLight(): TemplateResult | typeof nothing {
    if (this.#enrollment) return this.#enrollment.render();
    const shown = this.#codes;
    if (!shown) return nothing;
    return shown.view.renderRecoveryCodes({
      codes: shown.codes.codes,
      account: this.#user?.email ?? '',
      announce: (text) => this.#section.announce(text),
      onDone: () => {
        this.#codes = undefined;
        this.#host.requestUpdate();
        this.#section.focus('[data-action="regenerate"]');
      },
    });
  }
}
