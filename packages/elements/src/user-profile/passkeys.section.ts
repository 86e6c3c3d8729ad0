import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg } from '../internal/localize.js';
import { LatestTask, type TaskStatus } from '../internal/latest-task.js';
import { addPasskey, deletePasskey, LatchkeyError, listPasskeys, renamePasskey, startAddPasskey, type Passkey, type User } from '@latchkey/client';
import { LkPasskeyAddedEvent } from '../events/passkey-added.js';
import { LkPasskeyDeletedEvent } from '../events/passkey-deleted.js';
import { LkPasskeyRenamedEvent } from '../events/passkey-renamed.js';
import { PasskeyCeremonyError } from '../internal/ceremony-error.js';
import { errorMessage } from '../internal/messages.js';
import { passkeysSupported } from '../internal/passkey-support.js';
import { createPasskey } from '../internal/passkey-registration.js';
import { addFailure, deleteFailure, nameProblem, renameFailure } from './passkeys.messages.js';
import {
  renderAddPasskey,
  renderPasskeyList,
  renderPasskeysOff,
  renderPasskeysSection,
  type PasskeysCallbacks,
  type PasskeysView,
} from './passkeys.template.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import type { ProfileSection, SectionHost } from './section.js';

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * `GET /v1/passkeys` takes no input, so the broker's `invalid_request` there
 * can only mean its configuration offers no passkeys (`signIn.methods`).
 */
const passkeysOff = (error: unknown) => error instanceof LatchkeyError && error.code === 'invalid_request';

/**
 * The "Passkeys" section of `lk-user-profile`: the signed-in user's passkeys
 * (`listPasskeys`), renamed in place, deleted after a yes, and added through the
 * browser's WebAuthn dialog (`startAddPasskey`, then `@simplewebauthn/browser`,
 * then `addPasskey`). Each request is a `LatestTask`; the list is kept here and
 * changed by each answer, so nothing is fetched twice.
 */
export class PasskeysSection implements ProfileSection {
  /** The list as the broker last gave it, changed by each add, rename and delete. */
  #passkeys: Passkey[] = [];
  #renaming?: string;
  /** A problem found before sending the new name. */
  #nameError?: string;
  #confirming?: string;
  /** Which passkey the last rename and delete were about, so their failures show at that row only. */
  #renamed?: string;
  #deleted?: string;
  #user?: User;

  readonly #list: LatestTask<[], Passkey[]>;
  readonly #rename: LatestTask<[string, string], Passkey>;
  readonly #remove: LatestTask<[string], string>;
  readonly #add: LatestTask<[], Passkey>;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#host = host;
    this.#section = section;
    host.addController(this);
    this.#list = new LatestTask(host, {
      task: async (_: [], { signal }) => (await listPasskeys(this.#conn(), { signal })).passkeys,
      onComplete: (passkeys) => (this.#passkeys = passkeys),
      onError: (error) => {
        if (!passkeysOff(error)) this.#failed(error);
      },
    });
    this.#rename = new LatestTask(host, {
      task: ([id, name]: [string, string], { signal }) => renamePasskey(this.#conn(), id, { name }, { signal }),
      onComplete: (passkey) => {
        this.#passkeys = this.#passkeys.map((p) => (p.id === passkey.id ? passkey : p));
        this.#renaming = undefined;
        this.#section.announce(msg('Passkey renamed.'));
        this.#section.emit(new LkPasskeyRenamedEvent({ passkey }));
        this.#section.focus(`[data-id="${passkey.id}"] [data-action="rename"]`);
      },
      onError: (error) => {
        this.#failed(error);
        this.#section.focus('.rename input');
      },
    });
    this.#remove = new LatestTask(host, {
      task: async ([id]: [string], { signal }) => {
        await this.#section.sensitive(() => deletePasskey(this.#conn(), id, { signal }));
        return id;
      },
      onComplete: (id) => {
        const at = this.#passkeys.findIndex((p) => p.id === id);
        const [passkey] = this.#passkeys.splice(at, 1);
        this.#passkeys = [...this.#passkeys];
        this.#confirming = undefined;
        this.#section.announce(msg('Passkey deleted.'));
        if (passkey) this.#section.emit(new LkPasskeyDeletedEvent({ passkey }));
        // Focus stays in the list: on the next passkey, else the previous one, else the add button.
        const next = this.#passkeys[at] ?? this.#passkeys[at - 1];
        this.#section.focus(next ? `[data-id="${next.id}"] [data-action="rename"]` : '[data-action="add"]');
      },
      onError: (error) => {
        this.#failed(error);
        this.#section.focus('[data-action="cancel-delete"]');
      },
    });
    this.#add = new LatestTask(host, {
      task: async (_: [], { signal }) => {
        // A new way in is sensitive: the broker may ask for a step-up before the dialog opens.
        return this.#section.sensitive(async () => {
          const step = await startAddPasskey(this.#conn(), { signal });
          const credential = await createPasskey(step, signal);
          return addPasskey(this.#conn(), { flow_id: step.flow_id, credential }, { signal });
        });
      },
      onComplete: (passkey) => {
        this.#passkeys = [...this.#passkeys, passkey];
        this.#section.announce(msg('Passkey added.'));
        this.#section.emit(new LkPasskeyAddedEvent({ passkey }));
      },
      // The browser's dialog ending without a passkey is the user's doing, not a failure to tell the page about.
      onError: (error) => {
        if (!(error instanceof PasskeyCeremonyError)) this.#failed(error);
      },
    });
  }

  get states(): string[] {
    const states = [];
    if (this.#list.status === 'pending') states.push('loading');
    if (this.#add.status === 'pending') states.push('adding-passkey');
    return states;
  }

  subjectChanged(user: User | undefined) {
    if (user?.id === this.#user?.id) return;
    this.#user = user;
    for (const task of [this.#list, this.#rename, this.#remove, this.#add]) task.abort();
    this.#passkeys = [];
    this.#renaming = this.#confirming = this.#nameError = this.#renamed = this.#deleted = undefined;
    if (user) void this.#list.run([]);
  }

  hostConnected() {}

  hostDisconnected() {
    // A dialog left open by an element that is gone would block the next ceremony on the page.
    this.#add.abort();
  }

  #conn() {
    return this.#section.client().connection;
  }

  /** Tells the page; a session the broker no longer knows signs the page out (every element follows). */
  #failed(error: unknown) {
    if (isAbort(error)) return;
    this.#section.reportError(error);
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') this.#section.client().session.set(null);
  }

  readonly #callbacks: PasskeysCallbacks = {
    onStartRename: (id) => {
      this.#confirming = this.#nameError = this.#renamed = undefined;
      this.#renaming = id;
      this.#host.requestUpdate();
      this.#section.focus('.rename input');
    },
    onRename: (event, id) => {
      event.preventDefault();
      if (this.#rename.status === 'pending') return;
      const input = (event.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
      const name = input.value.trim();
      this.#nameError = nameProblem(name);
      if (this.#nameError) {
        this.#host.requestUpdate();
        input.focus();
        return;
      }
      if (name === this.#passkeys.find((p) => p.id === id)?.name) return this.#callbacks.onCancelRename();
      this.#renamed = id;
      void this.#rename.run([id, name]);
    },
    onCancelRename: () => {
      const id = this.#renaming;
      this.#rename.abort();
      this.#renaming = this.#nameError = undefined;
      this.#host.requestUpdate();
      this.#section.focus(`[data-id="${id}"] [data-action="rename"]`);
    },
    onStartDelete: (id) => {
      this.#renaming = this.#nameError = this.#deleted = undefined;
      this.#confirming = id;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="cancel-delete"]');
    },
    onDelete: (id) => {
      if (this.#remove.status === 'pending') return;
      this.#deleted = id;
      void this.#remove.run([id]);
    },
    onCancelDelete: () => {
      const id = this.#confirming;
      this.#remove.abort();
      this.#confirming = undefined;
      this.#host.requestUpdate();
      this.#section.focus(`[data-id="${id}"] [data-action="delete"]`);
    },
    onAdd: () => {
      if (this.#add.status !== 'pending') void this.#add.run([]);
    },
    onCancelAdd: () => {
      this.#add.abort();
      this.#section.focus('[data-action="add"]');
    },
  };

  /** The failure of `task`, when its last run was about the row now open (`ran === open`). */
  #errorOf(task: { readonly status: TaskStatus; readonly error: unknown }, ran: string | undefined, open: string | undefined): unknown {
    if (task.status !== 'error' || isAbort(task.error) || ran === undefined || ran !== open) return undefined;
    return task.error;
  }

  #view(): PasskeysView {
    const renameFailed = this.#errorOf(this.#rename, this.#renamed, this.#renaming);
    const deleteFailed = this.#errorOf(this.#remove, this.#deleted, this.#confirming);
    const renameError = this.#nameError ?? (renameFailed === undefined ? undefined : renameFailure(renameFailed));
    const deleteError = deleteFailed === undefined ? undefined : deleteFailure(deleteFailed);
    const refused = deleteFailed instanceof LatchkeyError && deleteFailed.code === 'last_sign_in_method';
    const addError = this.#add.status === 'error' && !isAbort(this.#add.error) ? addFailure(this.#add.error) : undefined;
    return {
      passkeys: this.#passkeys,
      ...(this.#renaming ? { renaming: { id: this.#renaming, pending: this.#rename.status === 'pending', error: renameError } } : {}),
      ...(this.#confirming ? { confirming: { id: this.#confirming, pending: this.#remove.status === 'pending', error: deleteError, refused } } : {}),
      supported: passkeysSupported(),
      adding: this.#add.status === 'pending',
      addError,
    };
  }

  render(): TemplateResult {
    const view = this.#view();
    const { status, error } = this.#list;
    const body =
      status === 'complete' ? renderPasskeyList(view, this.#callbacks)
      : status !== 'error' || isAbort(error) ? renderRowsLoading(msg('Loading your passkeys…'))
      : passkeysOff(error) ? renderPasskeysOff()
      : renderLoadFailed(errorMessage(error), () => void this.#list.run([]));
    return renderPasskeysSection(body, status === 'complete' ? renderAddPasskey(view, this.#callbacks) : nothing);
  }
}
