import type { ReactiveControllerHost, TemplateResult } from 'lit';
import type { Connection, Organization, User } from '@latchkey/client';
import { LatestTask } from '../internal/latest-task.js';
import { msg } from '../internal/localize.js';
import { errorMessage, withMessages } from '../internal/messages.js';
import type { Section, SectionHost } from '../internal/sections/section.js';
import { isAbort, reportSectionFailure } from '../internal/sections/section-failure.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import { adoptSectionStyles } from './org-section.styles.js';

/** What a section of `lk-org-profile` is about: the organization as its member sees it, and who that member is. */
export interface OrgSubject {
  org: Organization;
  user: User;
}

/** What `lk-org-profile` gives its sections, beyond what every element of sections gives. */
export interface OrgSectionHost extends SectionHost {
  /** The organization changed (renamed): the card shows it as it is now. */
  orgUpdated(org: Organization): void;
  /** The user left the organization or deleted it: the card says so, and the page hears `lk-org-changed`. */
  orgEnded(how: 'left' | 'deleted'): void;
}

/**
 * What every section of `lk-org-profile` shares: one request for what it lists
 * (`fetch`, run again for another organization or member), one action at a
 * time by key (`remove:<id>`, `invite`, `more`) run through the step-up the
 * broker may ask for, its failure shown where it happened, and which form or
 * confirmation is open. A section says what it lists and how it looks
 * (`fetch`, `renderData`); this keeps the states.
 */
export abstract class OrgSection<Data> implements Section<OrgSubject> {
  /** The section's key (`members`): its frame is `#<key>-section` in the card. */
  protected abstract readonly key: string;
  protected subject?: OrgSubject;
  /** What `fetch` answered, changed in place by each action's answer. */
  protected data?: Data;
  /** The form or confirmation open now, by key. */
  protected open?: string;
  /** The value copied last, so its button says "Copied". */
  protected copied?: string;
  #acting?: string;
  #failure?: { key: string; error: unknown };
  #done?: (value: unknown) => void;
  #onFailure?: (error: unknown) => void;
  readonly #load: LatestTask<[], Data>;
  readonly #act: LatestTask<[(signal: AbortSignal) => Promise<unknown>], unknown>;
  protected readonly host: ReactiveControllerHost & HTMLElement;
  protected readonly section: OrgSectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: OrgSectionHost) {
    this.host = host;
    this.section = section;
    host.addController(this);
    adoptSectionStyles(host);
    this.#load = new LatestTask(host, {
      task: (_: [], { signal }) => withMessages(this.fetch(this.conn(), this.orgId, signal)),
      onComplete: (data) => (this.data = data),
      onError: (error) => reportSectionFailure(section, error),
    });
    this.#act = new LatestTask(host, {
      // Every change may meet the step-up: the broker asks for one on an organization's security settings.
      task: ([run], { signal }) => withMessages(section.sensitive(() => run(signal))),
      onComplete: (value) => {
        this.#acting = undefined;
        this.#done?.(value);
      },
      onError: (error) => {
        if (!isAbort(error) && this.#acting) this.#failure = { key: this.#acting, error };
        this.#acting = undefined;
        reportSectionFailure(section, error);
        if (!isAbort(error)) this.#onFailure?.(error);
      },
    });
  }

  get states(): string[] {
    return this.#load.status === 'pending' && this.data === undefined ? ['loading'] : [];
  }

  hostConnected() {}

  subjectChanged(subject: OrgSubject | undefined) {
    const same = subject?.org.id === this.subject?.org.id && subject?.user.id === this.subject?.user.id;
    // The same organization and member (renamed, new permissions): drawn as they are now, nothing lost.
    this.subject = subject;
    if (same) return;
    this.#load.abort();
    this.#act.abort();
    this.data = this.open = this.#acting = this.#failure = undefined;
    if (subject) this.reload();
  }

  /** Reads what the section lists again. */
  protected reload() {
    void this.#load.run([]);
  }

  protected conn(): Connection {
    return this.section.client().connection;
  }

  protected get orgId(): string {
    return this.subject!.org.id;
  }

  /** Whether the member holds `permission` in this organization. */
  protected can(permission: string): boolean {
    return this.subject?.org.permissions.includes(permission) ?? false;
  }

  /**
   * Runs one action (none while another runs), then `done` with its answer. Its
   * failure is kept under `key` (`failed(key)`), then `failed` hears it; a step-up
   * the broker asks for comes first.
   */
  protected act<T>(key: string, run: (conn: Connection, signal: AbortSignal) => Promise<T>, done: (value: T) => void, failed?: (error: unknown) => void): void {
    if (this.#act.status === 'pending') return;
    this.#acting = key;
    this.#failure = undefined;
    this.#done = done as (value: unknown) => void;
    this.#onFailure = failed;
    void this.#act.run([(signal) => run(this.conn(), signal)]);
  }

  /** Whether `key`'s action is running. */
  protected busy(key: string): boolean {
    return this.#acting === key;
  }

  /** The failure of `key`'s last action, if that is what failed last. */
  protected failure(key: string): unknown {
    return this.#failure?.key === key ? this.#failure.error : undefined;
  }

  /** The failure of `key`'s last action, worded by `explain`. */
  protected failed(key: string): string | undefined {
    const error = this.failure(key);
    return error === undefined ? undefined : typeof error === 'string' ? error : this.explain(error);
  }

  /** The section's own wording of a failure where it has one; the shared `error.<code>` message otherwise. */
  protected explain(error: unknown): string {
    return errorMessage(error);
  }

  /** Focuses the first match of `selector` in this section, once the next update drew it. */
  protected focus(selector: string) {
    this.section.focus(`#${this.key}-section ${selector}`);
  }

  /** Opens a form or confirmation (`undefined`: closes it), forgets the last failure, and focuses `selector`. */
  protected toggle(key: string | undefined, selector?: string) {
    this.open = key;
    this.#failure = undefined;
    this.host.requestUpdate();
    if (selector) this.focus(selector);
  }

  /** Puts a problem found before sending (its words) under `key`, as a failed action's. */
  protected refuse(key: string, problem: string, selector?: string) {
    this.#failure = { key, error: problem };
    this.host.requestUpdate();
    if (selector) this.focus(selector);
  }

  /** Copies `value` (a DNS record, an invite link) and says so; where the browser will not, says to copy it by hand. */
  protected copy = (value: string) => {
    navigator.clipboard.writeText(value).then(
      () => {
        this.copied = value;
        this.host.requestUpdate();
        this.section.announce(msg('Copied.'));
      },
      () => this.section.announce(msg('Couldn’t copy. Select the text and copy it yourself.')),
    );
  };

  render(): TemplateResult {
    if (this.data !== undefined) return this.renderData(this.data);
    const { status, error } = this.#load;
    return status === 'error' && !isAbort(error) ? renderLoadFailed(errorMessage(error), () => this.reload()) : renderRowsLoading(this.loading(), 2);
  }

  /** What the section reads from the broker. */
  protected abstract fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Data>;
  /** Said to screen readers while it is read. */
  protected abstract loading(): string;
  protected abstract renderData(data: Data): TemplateResult;
}
