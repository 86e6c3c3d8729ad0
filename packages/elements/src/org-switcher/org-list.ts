import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { LatchkeyError, listOrganizations, type Organization, type OrganizationList, type OrgPolicyUnmet, type SessionClient } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { activeOrgId, switchTab } from '../internal/org-session.js';
import { LkOrgChangedEvent } from '../events/org-changed.js';
import { roleLabel } from '../internal/role-label.js';

/**
 * The user's organizations and the switch between them, shared by
 * lk-org-switcher and lk-user-button's menu (one list, one switch, one template):
 * `GET /v1/orgs`, then `switchTab` through the session store, which checks the
 * organization's policy on the broker. A refused switch keeps what the broker
 * asks for (`unmet`) for the element to show.
 */
export interface OrgListOptions {
  client(): SessionClient;
  /** A request failed: tell the page (`lk-error`). */
  failed(error: unknown): void;
}

export class OrgListController implements ReactiveController {
  /** The list as the broker last answered it. */
  list?: OrganizationList;
  /** Where a switch is going now (null: the personal account); undefined when none runs. */
  target?: string | null;
  /** The policy a refused switch must meet first, and the organization. */
  unmet?: OrgPolicyUnmet & { organization?: Organization };
  /** The tab's organization when the store does not keep one (see org-session.ts). */
  #own: string | null = null;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: OrgListOptions;

  readonly load: LatestTask<[], OrganizationList>;
  readonly switching: LatestTask<[string | null], Organization | null>;

  constructor(host: ReactiveControllerHost & HTMLElement, options: OrgListOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    this.load = new LatestTask(host, {
      task: (_: [], { signal }) => listOrganizations(options.client().connection, { signal }),
      onComplete: (list) => (this.list = list),
      onError: (error) => options.failed(error),
    });
    this.switching = new LatestTask(host, {
      task: ([orgId], { signal }) => switchTab(options.client(), orgId, { signal }),
      onComplete: (organization) => this.#switched(organization),
      onError: (error) => {
        this.target = undefined;
        const problem = error instanceof LatchkeyError && error.code === 'org_policy_unmet' ? error.problem : undefined;
        if (problem?.requirement && problem.org_id) {
          this.unmet = { requirement: problem.requirement, org_id: problem.org_id, organization: this.find(problem.org_id) };
        } else options.failed(error);
      },
    });
  }

  hostConnected() {}

  /** The list is being read for the first time. */
  get loading(): boolean {
    return !this.list && this.load.status !== 'error';
  }

  /** The tab's organization: the store's, else the last switch here; null for the personal account. */
  get activeId(): string | null {
    const kept = activeOrgId(this.#client());
    return kept === undefined ? this.#own : kept;
  }

  /** The tab's organization as listed (undefined: the personal account, or one not in the list). */
  get active(): Organization | undefined {
    const id = this.activeId;
    return id === null ? undefined : this.find(id);
  }

  find(orgId: string): Organization | undefined {
    return this.list?.organizations.find((o) => o.id === orgId);
  }

  #client(): SessionClient | undefined {
    try {
      return this.#options.client();
    } catch {
      return undefined;
    }
  }

  /** Switches the tab into `orgId` (null: the personal account); `lk-org-changed` once the broker let it in. */
  pick(orgId: string | null): Promise<void> {
    this.target = orgId;
    this.unmet = undefined;
    return this.switching.run([orgId]);
  }

  #switched(organization: Organization | null) {
    this.target = undefined;
    this.#own = organization?.id ?? null;
    // The organization as the switch answered it (its role and policy now) replaces the listed one.
    if (organization && this.list) this.list = { ...this.list, organizations: this.list.organizations.map((o) => (o.id === organization.id ? organization : o)) };
    this.#host.dispatchEvent(new LkOrgChangedEvent({ org_id: organization?.id ?? null, organization }));
  }

  /** An organization made here: it joins the list (before the switch into it). */
  added(organization: Organization) {
    if (!this.list) return;
    const organizations = [...this.list.organizations.filter((o) => o.id !== organization.id), organization].sort((a, b) => a.name.localeCompare(b.name));
    this.list = { ...this.list, organizations };
  }
}

export { roleLabel };

/** The first letter of a name, for the avatar (a whole grapheme, upper-cased). */
export const initialOf = (name: string) => ([...name.trim()][0] ?? '?').toLocaleUpperCase();

const personIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="8" r="4"></circle><path d="M4 21a8 8 0 0 1 16 0"></path></svg>`;

/** One organization's avatar; the personal account's is a person. */
export function renderOrgAvatar(organization: Organization | undefined): TemplateResult {
  return html`<span part="org-avatar" aria-hidden="true">${organization ? initialOf(organization.name) : personIcon}</span>`;
}

/**
 * The entries of a menu that switch the tab: the personal account (where the
 * host allows one) and each organization with the user's role, the tab's one
 * checked (`menuitemradio`), the one being switched to busy.
 */
export function renderOrgItems(o: { list: OrganizationList; activeId: string | null; target: string | null | undefined; onPick(orgId: string | null): void }): TemplateResult {
  const item = (orgId: string | null, organization: Organization | undefined, name: string, detail: string) => {
    const busy = o.target !== undefined && o.target === orgId;
    return html`<button part="menu-item org" role="menuitemradio" type="button" tabindex="-1" aria-checked=${o.activeId === orgId ? 'true' : 'false'} aria-busy=${busy ? 'true' : nothing} @click=${() => o.onPick(orgId)}> ${renderOrgAvatar(organization)} <span class="org-text"><span class="org-name">${name}</span> <span class="org-role">${detail}</span></span> ${busy ? html`<span class="busy" aria-hidden="true"></span>` : html`<span class="tick" aria-hidden="true"></span>`} </button>`;
  };
  return html`${o.list.personal_allowed ? item(null, undefined, msg('Personal account'), msg('Only you')) : nothing}${o.list.organizations.map((org) => item(org.id, org, org.name, roleLabel(org.role)))}`;
}
