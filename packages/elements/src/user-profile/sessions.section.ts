import type { ReactiveControllerHost, TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { LatchkeyError, listSessions, revokeOtherSessions, revokeSession, type ActiveSession, type User } from '@latchkey/client';
import { errorMessage, withMessages } from '../internal/messages.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import type { ProfileSection, SectionHost } from './section.js';
import { isAbort, reportSectionFailure } from '../internal/sections/section-failure.js';
import { renderSessionList, renderSessionsSection, sessionName, type SessionsCallbacks } from './sessions.template.js';


/**
 * The "Active sessions" section of `lk-user-profile`: where the account is
 * signed in (`listSessions`), with browser, device, address and last activity,
 * this device first. "Sign out" signs one other session out at once (nothing
 * is lost that signing in again does not bring back, so no confirmation and no
 * step-up); "Sign out of all other devices" signs out every one but this.
 */
export class SessionsSection implements ProfileSection {
  #sessions: ActiveSession[] = [];
  #revoking?: string;
  #revokeError?: { id: string; message: string };
  #othersError?: string;
  #user?: User;
  readonly #list: LatestTask<[], ActiveSession[]>;
  readonly #revoke: LatestTask<[string], string>;
  readonly #revokeOthers: LatestTask<[], number>;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#section = section;
    host.addController(this);
    this.#list = new LatestTask(host, {
      task: async (_: [], { signal }) => (await listSessions(this.#conn(), { signal })).sessions,
      onComplete: (sessions) => (this.#sessions = sessions),
      onError: (error) => this.#failed(error),
    });
    this.#revoke = new LatestTask(host, {
      task: async ([id]: [string], { signal }) => {
        await withMessages(revokeSession(this.#conn(), id, { signal }));
        return id;
      },
      onComplete: (id) => {
        const at = this.#sessions.findIndex((s) => s.id === id);
        const gone = this.#sessions[at];
        this.#sessions = this.#sessions.filter((s) => s.id !== id);
        this.#revoking = undefined;
        if (gone) this.#section.announce(msg(str`Signed out of ${sessionName(gone)}.`, { id: 'profile.sessions.signed-out' }));
        // Focus stays in the list: the next session's button, else the previous one's, else the section's heading area.
        const next = this.#sessions.filter((s) => !s.current)[Math.max(0, at - 1)];
        this.#section.focus(next ? `[data-id="${next.id}"] [data-action="revoke"]` : '#sessions-title');
      },
      onError: (error) => {
        // Gone already (signed out elsewhere, expired): it leaves the list all the same.
        if (error instanceof LatchkeyError && error.code === 'not_found' && this.#revoking) {
          this.#sessions = this.#sessions.filter((s) => s.id !== this.#revoking);
        } else if (!isAbort(error) && this.#revoking) {
          this.#revokeError = { id: this.#revoking, message: errorMessage(error) };
        }
        this.#revoking = undefined;
        this.#failed(error);
      },
    });
    this.#revokeOthers = new LatestTask(host, {
      task: async (_: [], { signal }) => (await withMessages(revokeOtherSessions(this.#conn(), { signal }))).revoked,
      onComplete: () => {
        this.#sessions = this.#sessions.filter((s) => s.current);
        this.#section.announce(msg('Signed out of all other devices.', { id: 'profile.sessions.signed-out-others' }));
        this.#section.focus('#sessions-title');
      },
      onError: (error) => {
        if (!isAbort(error)) this.#othersError = errorMessage(error);
        this.#failed(error);
      },
    });
  }

  get states(): string[] {
    return this.#list.status === 'pending' ? ['loading'] : [];
  }

  subjectChanged(user: User | undefined) {
    if (user?.id === this.#user?.id) return;
    this.#user = user;
    for (const task of [this.#list, this.#revoke, this.#revokeOthers]) task.abort();
    this.#sessions = [];
    this.#revoking = this.#revokeError = this.#othersError = undefined;
    if (user) void this.#list.run([]);
  }

  hostConnected() {}

  #conn() {
    return this.#section.client().connection;
  }

  #failed(error: unknown) {
    reportSectionFailure(this.#section, error);
  }

  readonly #callbacks: SessionsCallbacks = {
    onRevoke: (id) => {
      if (this.#revoke.status === 'pending') return;
      this.#revoking = id;
      this.#revokeError = undefined;
      void this.#revoke.run([id]);
    },
    onRevokeOthers: () => {
      if (this.#revokeOthers.status === 'pending') return;
      this.#othersError = undefined;
      void this.#revokeOthers.run([]);
    },
  };

  render(): TemplateResult {
    const { status, error } = this.#list;
    const body =
      status === 'complete'
        ? renderSessionList({ sessions: this.#sessions, revoking: this.#revoking, revokeError: this.#revokeError, revokingOthers: this.#revokeOthers.status === 'pending', othersError: this.#othersError }, this.#callbacks)
        : status === 'error' && !isAbort(error)
          ? renderLoadFailed(errorMessage(error), () => void this.#list.run([]))
          : renderRowsLoading(msg('Loading your sessions…', { id: 'profile.sessions.loading' }), 2);
    return renderSessionsSection(body);
  }
}
