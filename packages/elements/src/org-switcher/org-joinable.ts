import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { joinOrganization, listJoinableOrganizations, requestAccess, type JoinableOrganization, type Organization, type SessionClient } from '@latchkey/client';
import { msg, str } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { errorMessage } from '../internal/messages.js';
import { isolate } from '../internal/locale-state.js';
import { initialOf } from './org-list.js';

// lk-org-switcher's "Organizations you can join" (issue 24 §2, the requester's side): a chunk
// imported when the menu opens (and while the page is idle), so the first screen does not carry
// it. Lists the organizations the user's verified address lets them join (`automatic`: "Join",
// then the switcher switches into it) or ask to join (`request`: "Ask to join", "Request
// pending", a denial with its reason and "Ask again"). Its styles come with it.

const styles = css`
.join-action{flex:none;margin-inline-start:auto;padding:2px 8px;border-radius:999px;font-size:.75rem;font-weight:600;color:var(--_text);background:color-mix(in srgb,var(--_primary) 14%,transparent)}
[aria-disabled=true] .join-action{color:var(--_muted);background:color-mix(in srgb,var(--_text) 7%,transparent)}
.denied{color:var(--_danger);font-size:.75rem;white-space:normal;overflow-wrap:anywhere}
`;

export interface JoinableOptions {
  client(): SessionClient;
  /** A request failed: tell the page (`lk-error`). */
  failed(error: unknown): void;
  /** Joined by a captured domain: the switcher lists it and switches the tab into it. */
  joined(organization: Organization): void;
}

export class JoinableGroup {
  /** The list as the broker last answered it (undefined: not read yet). */
  list?: JoinableOrganization[];
  /** Why the last join or request failed, for the menu's alert. */
  alert = '';
  /** What the last request did, for the popup's status region. */
  status = '';
  /** Organizations asked from this menu: their entry says "Request sent". */
  readonly #sent = new Set<string>();
  /** The organization a join or request runs for. */
  #busy?: string;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #o: JoinableOptions;
  readonly load: LatestTask<[], JoinableOrganization[]>;

  constructor(host: ReactiveControllerHost & HTMLElement, o: JoinableOptions) {
    this.#host = host;
    this.#o = o;
    this.load = new LatestTask(host, {
      task: async (_: [], { signal }) => (await listJoinableOrganizations(o.client().connection, { signal })).organizations,
      onComplete: (list) => (this.list = list),
      // The group is extra: a list that cannot be read leaves the menu as it is.
      onError: () => {},
    });
    const root = host.shadowRoot;
    const sheet = styles.styleSheet;
    if (root && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }

  /** Someone else signed in (or out): forget the list and what was asked. */
  reset() {
    this.list = undefined;
    this.alert = this.status = '';
    this.#sent.clear();
  }

  /** Joins (automatic enrolment) or asks to join (access request), once at a time. */
  async act(entry: JoinableOrganization) {
    if (this.#busy || entry.request?.status === 'pending') return;
    this.#busy = entry.id;
    this.alert = this.status = '';
    this.#host.requestUpdate();
    try {
      const connection = this.#o.client().connection;
      if (entry.enrollment === 'automatic') {
        const organization = await joinOrganization(connection, entry.id);
        this.list = this.list?.filter((j) => j.id !== entry.id);
        this.#o.joined(organization);
      } else {
        const request = await requestAccess(connection, entry.id, {});
        this.#sent.add(entry.id);
        this.list = this.list?.map((j) => (j.id === entry.id ? { ...j, request } : j));
        this.status = msg(str`Request sent to ${isolate(entry.name)}.`);
      }
    } catch (error) {
      this.alert = errorMessage(error);
      this.#o.failed(error);
      // A request made elsewhere (409 request_pending), a domain no longer enrolled: read the list again.
      void this.load.run([]);
    }
    this.#busy = undefined;
    this.#host.requestUpdate();
  }

  /** The group below the user's organizations: nothing while there is none to join. */
  render(): TemplateResult | typeof nothing {
    if (!this.list?.length) return nothing;
    return html`<div role="separator"></div><div role="group" aria-labelledby="joinable-label"> <p class="group-label" id="joinable-label" role="presentation">${msg('Organizations you can join')}</p> ${this.list.map((j) => this.#item(j))} </div>`;
  }

  #item(j: JoinableOrganization): TemplateResult {
    const request = j.request;
    const pending = request?.status === 'pending';
    const denied = request?.status === 'denied';
    const action =
      j.enrollment === 'automatic' ? msg('Join') : pending ? (this.#sent.has(j.id) ? msg('Request sent') : msg('Request pending')) : denied ? msg('Ask again') : msg('Ask to join');
    const busy = this.#busy === j.id;
    return html`<button part="menu-item joinable" role="menuitem" type="button" tabindex="-1" aria-disabled=${pending ? 'true' : nothing} aria-busy=${busy ? 'true' : nothing} @click=${() => void this.act(j)}> <span part="org-avatar" aria-hidden="true">${initialOf(j.name)}</span> <span class="org-text"><span class="org-name">${j.name}</span> <span class="org-role">${j.domain}</span>${denied
        ? html` <span class="denied">${request.reason ? msg(str`Request denied: ${isolate(request.reason)}`) : msg('Request denied')}</span>`
        : nothing}</span> ${busy ? html`<span class="busy" aria-hidden="true"></span>` : nothing}<span class="join-action">${action}</span> </button>`;
  }
}
