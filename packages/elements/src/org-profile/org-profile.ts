import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { listOrganizations, type Organization, type SessionClient, type SessionState, type User } from '@latchkey/client';
import { LkElement } from '../internal/base.js';
import { msg, str } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { errorMessage, loadErrorMessages } from '../internal/messages.js';
import { directionFor, isolate } from '../internal/locale-state.js';
import { LazySection, type SectionFactory } from '../internal/sections/lazy-section.js';
import { SectionsController } from '../internal/sections/section-host.js';
import { reportSectionFailure } from '../internal/sections/section-failure.js';
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import { LkOrgChangedEvent } from '../events/org-changed.js';
import type { OrgSectionHost, OrgSubject } from './org-section.js';
import { orgProfileStyles } from './org-profile.styles.js';
import { roleLabel } from '../internal/role-label.js';
import { activeOrgId, switchTab } from '../internal/org-session.js';

/** The sections, in page order: who may see each, and the chunk that draws it. */
const SECTIONS: ReadonlyArray<{ key: string; permission?: string; title: () => string; load: () => Promise<SectionFactory<OrgSubject, OrgSectionHost>> }> = [
  { key: 'general', title: () => msg('General'), load: () => import('./sections/general.js').then((m) => m.make) },
  { key: 'members', permission: 'members:read', title: () => msg('Members'), load: () => import('./sections/members.js').then((m) => m.make) },
  { key: 'invitations', permission: 'invitations:manage', title: () => msg('Invitations'), load: () => import('./sections/invitations.js').then((m) => m.make) },
  { key: 'requests', permission: 'requests:manage', title: () => msg('Requests to join'), load: () => import('./sections/requests.js').then((m) => m.make) },
  { key: 'roles', permission: 'roles:manage', title: () => msg('Roles'), load: () => import('./sections/roles.js').then((m) => m.make) },
  { key: 'domains', permission: 'domains:manage', title: () => msg('Domains'), load: () => import('./sections/domains.js').then((m) => m.make) },
  { key: 'security', permission: 'policies:manage', title: () => msg('Security'), load: () => import('./sections/security.js').then((m) => m.make) },
  { key: 'audit', permission: 'audit:read', title: () => msg('Audit log'), load: () => import('./sections/audit.js').then((m) => m.make) },
];

/**
 * @summary An organization's settings page for its members: its name, members and their roles, invitations and invite links, requests to join, roles, domains, security policies and audit log, each section shown only to those whose role allows it.
 *
 * Which organization: the `org` attribute, else the tab's active organization
 * from the session store. The element reads the user's organizations
 * (`GET /v1/orgs`) and shows a section where the user's permissions there
 * allow it; each section is a chunk of its own, loaded only then:
 *
 * - **General** (every member): rename (`org:update`), leave (the only owner is
 *   refused and told why), delete after typing the organization's name (`org:delete`).
 * - **Members** (`members:read`): name, address, role and when they joined,
 *   "Out of policy" for owners and admins; with `members:manage` a role picker
 *   (owner offered only to owners, one's own row read only) and Remove after a
 *   confirmation; "Show more" pages on.
 * - **Invitations** (`invitations:manage`): invite by email with a role; the
 *   pending invitations with Revoke; invite links made with a role, a use limit
 *   and an expiry, their URL shown once with Copy, listed with their uses and Revoke.
 * - **Requests to join** (`requests:manage`): pending requests, approved with a
 *   role or denied with a reason the requester sees; decided ones with theirs.
 * - **Roles** (`roles:manage`): built-in and custom roles with their
 *   permissions; custom ones created, edited and deleted (refused while held).
 * - **Domains** (`domains:manage`): add a domain, publish its TXT record
 *   (name and value with Copy), Verify, choose who may join by it (automatic
 *   only for a domain verified by DNS), remove.
 * - **Security** (`policies:manage`): require two-step verification, a passkey
 *   or single sign-on, the grace period, and how many members do not meet them.
 * - **Audit log** (`audit:read`): the organization's events, filtered by type,
 *   paged, and exported as CSV.
 *
 * Changes to the organization's security made longer after signing in than
 * the broker's step-up window open "Confirm it's you" above the sections (its
 * fields in the light DOM, slot `step-up`), then run again.
 *
 * @event {LkOrgChangedDetail} lk-org-changed - The user left the organization or deleted it. `detail: { org_id: null, organization: null }`.
 * @event {LkErrorDetail} lk-error - A request to the broker failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot signed-out - Shown while nobody is signed in, under "Sign in to manage your organization.".
 * @slot step-up - Filled by the element itself: the light-DOM form of "Confirm it's you".
 *
 * @csspart base - The card.
 * @csspart header - The organization's name and the user's role there.
 * @csspart title - The organization's name.
 * @csspart subtitle - "Your role: Admin".
 * @csspart section - Each section.
 * @csspart section-title - A section's heading.
 * @csspart section-description - The line under a section's heading.
 * @csspart general-section - General (also `section`); likewise `members-section`, `invitations-section`, `requests-section`, `roles-section`, `domains-section`, `security-section`, `audit-section`.
 * @csspart member-list - The members; `member` one member's row.
 * @csspart badge - A label on a row ("You", "Built-in", "Verified", "Out of policy", a request's decision).
 * @csspart confirm - The confirmation under a change that cannot be undone.
 * @csspart invitation-list - Pending invitations; `invitation` one of them.
 * @csspart link-list - Invite links; `link` one of them; `new-link` the URL shown once.
 * @csspart request-list - Requests to join; `request` one of them.
 * @csspart role-list - The roles; `role` one of them; `role-form` the form of a custom role.
 * @csspart domain-list - The domains; `domain` one of them; `txt-record` the record to publish.
 * @csspart policies - The security policies' form.
 * @csspart audit-table - The audit log; `export-link` "Export CSV".
 * @csspart more-button - "Show more" under a paged list.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings.
 * @cssproperty --lk-color-surface - Card background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-border - Card edge and dividers (decorative).
 * @cssproperty --lk-color-danger - Errors, "Remove", "Delete", "Out of policy".
 * @cssproperty --lk-color-success - "Verified", "Approved".
 * @cssproperty --lk-radius - Corner radius of inputs and buttons (the card's is 1.4×).
 * @cssproperty --lk-card-max-width - Widest the card grows (720px by default here).
 * @cssproperty --lk-font-family - Typeface.
 *
 * @cssstate loading - The session, the organization or a section's list is being read.
 * @cssstate signed-in - Someone is signed in.
 * @cssstate signed-out - Nobody is signed in.
 * @cssstate error - The broker could not be reached.
 * @cssstate step-up - "Confirm it's you" is open: a change waits for a password, code or passkey.
 */
export class LkOrgProfile extends LkElement {
  static override styles = orgProfileStyles;
  static override properties: PropertyDeclarations = {
    org: {},
    sections: {},
    session: { state: true },
    notConfigured: { state: true },
    ended: { state: true },
  };

  /** The organization's id; the tab's active organization (`store.organization`) when unset. */
  org?: string;
  /** Which sections to show, by key and space-separated (`members invitations`); all the user may see when unset. */
  sections?: string;

  private session: SessionState = { status: 'loading' };
  private notConfigured?: unknown;
  /** The organization the user just left or deleted: the card says so instead of its sections. */
  private ended?: { id: string; name: string; how: 'left' | 'deleted' };
  /** The user's organizations as the broker last listed them. */
  #organizations?: Organization[];
  /** The organization an `lk-org-changed` elsewhere on the page switched to (a store without `organization`). */
  #switchedTo?: string | null;
  #subject?: OrgSubject;
  readonly #lazy = new Map<string, LazySection<OrgSubject, OrgSectionHost>>();

  readonly #host = new SectionsController(this, {
    uid: this.uid,
    client: () => this.requireClient(),
    reportError: (error) => this.reportError(error),
    emit: (event) => this.emit(event),
    navigate: (url) => location.assign(url),
  });

  /** What the sections get: the element's section host, and what an organization's sections may change of the card. */
  readonly #sectionHost: OrgSectionHost = {
    client: () => this.#host.client(),
    reportError: (error) => this.#host.reportError(error),
    emit: (event) => this.#host.emit(event),
    announce: (text) => this.#host.announce(text),
    focus: (selector) => this.#host.focus(selector),
    navigate: (url) => this.#host.navigate(url),
    sensitive: (action) => this.#host.sensitive(action),
    orgUpdated: (org) => {
      this.#organizations = this.#organizations?.map((o) => (o.id === org.id ? org : o));
      this.requestUpdate();
    },
    orgEnded: (how) => {
      const org = this.#subject?.org;
      if (!org) return;
      this.ended = { id: org.id, name: org.name, how };
      this.#organizations = this.#organizations?.filter((o) => o.id !== org.id);
      this.#host.announce(this.#endedText());
      // The tab worked in it: it leaves it for the personal account where the host allows one (else it keeps none that works).
      const client = this.latchkey;
      if (client && activeOrgId(client) === org.id) void switchTab(client, null).catch(() => {});
      this.emit(new LkOrgChangedEvent({ org_id: null, organization: null }));
    },
  };

  readonly #list = new LatestTask(this, {
    task: async (_: [], { signal }) => (await listOrganizations(this.requireClient().connection, { signal })).organizations,
    onComplete: (organizations) => (this.#organizations = organizations),
    onError: (error) => {
      // Its message is in the error messages' chunk: shown once that is in.
      void loadErrorMessages().catch(() => {}).then(() => this.requestUpdate());
      reportSectionFailure(this.#host, error);
    },
  });

  /** Another element switched the tab's organization (lk-org-switcher) or changed it: read the organizations again. */
  readonly #onOrgChanged = (event: LkOrgChangedEvent) => {
    if (event.composedPath().includes(this)) return;
    this.#switchedTo = event.detail.org_id;
    this.ended = undefined;
    if (this.session.status === 'signed-in') void this.#list.run([]);
  };

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener(LkOrgChangedEvent.type, this.#onOrgChanged);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener(LkOrgChangedEvent.type, this.#onOrgChanged);
  }

  protected override sessionChanged(state: SessionState, client: SessionClient) {
    const before = this.session.status === 'signed-in' ? this.session.user.id : undefined;
    this.session = state;
    this.notConfigured = undefined;
    if (state.status === 'loading') client.session.refresh().catch((error: unknown) => this.reportError(error));
    const now = state.status === 'signed-in' ? state.user.id : undefined;
    if (now === before) {
      // The store speaks of the tab's organization too: one switched to that is not listed yet (made, joined) is read anew.
      const id = this.#orgId();
      if (now && id && this.#organizations && !this.#organization() && this.#list.status !== 'pending') void this.#list.run([]);
      this.requestUpdate();
      return;
    }
    this.#organizations = undefined;
    this.ended = undefined;
    this.#list.abort();
    if (now) void this.#list.run([]);
  }

  protected override firstUpdated() {
    // As lk-user-profile: with no broker there is no session to wait for, once <lk-config> or configure() had their turn.
    setTimeout(() => {
      if (!this.isConnected || this.latchkey) return;
      try {
        this.requireClient();
      } catch (error) {
        this.reportError(error);
        void loadErrorMessages()
          .catch(() => {})
          .then(() => {
            if (this.isConnected && !this.latchkey) this.notConfigured = error;
          });
      }
    });
  }

  /** The organization the card is about, by id. */
  #orgId(): string | undefined {
    return this.org || activeOrgId(this.latchkey) || this.#switchedTo || undefined;
  }

  /** That organization as the user's list has it; undefined while it is read, or when they are not a member. */
  #organization(): Organization | undefined {
    const id = this.#orgId();
    return id ? this.#organizations?.find((o) => o.id === id) : undefined;
  }

  #endedText(): string {
    const e = this.ended!;
    return e.how === 'left' ? msg(str`You left ${isolate(e.name)}.`) : msg(str`${isolate(e.name)} was deleted.`);
  }

  /** The sections the user may see here, in page order (those the `sections` attribute names, when set). */
  #visible(org: Organization) {
    const only = this.sections?.split(/\s+/).filter(Boolean);
    return SECTIONS.filter((s) => (!s.permission || org.permissions.includes(s.permission)) && (!only?.length || only.includes(s.key)));
  }

  #section(def: (typeof SECTIONS)[number]): LazySection<OrgSubject, OrgSectionHost> {
    let section = this.#lazy.get(def.key);
    if (!section) {
      section = new LazySection<OrgSubject, OrgSectionHost>(this, this.#sectionHost, def.load, () => msg('Loading…'));
      this.#lazy.set(def.key, section);
    }
    return section;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    super.willUpdate(changed);
    // Every section hears who and what it is about now; one the user may no longer see forgets it.
    const org = this.session.status === 'signed-in' && !this.#isEnded() ? this.#organization() : undefined;
    const user: User | undefined = this.session.status === 'signed-in' ? this.session.user : undefined;
    const subject = org && user ? (this.#subject?.org === org && this.#subject.user === user ? this.#subject : { org, user }) : undefined;
    this.#subject = subject;
    const visible = subject ? this.#visible(subject.org) : [];
    for (const def of SECTIONS) {
      const shown = visible.includes(def);
      if (shown || this.#lazy.has(def.key)) this.#section(def).subjectChanged(shown ? subject : undefined);
    }
  }

  /** The card says the organization is left or deleted until it shows another (the tab's may be none now). */
  #isEnded() {
    const id = this.#orgId();
    return this.ended !== undefined && (!id || id === this.ended.id);
  }

  protected override updated() {
    const status = this.session.status;
    const loading = status === 'loading' ? !this.notConfigured : status === 'signed-in' && this.#list.status === 'pending';
    const sections = this.#subject ? [...this.#lazy.values()].flatMap((s) => s.states) : [];
    this.setStates([...(status === 'loading' ? [] : [status]), ...(loading ? ['loading'] : []), ...sections, ...(this.#host.steppingUp ? ['step-up'] : [])]);
  }

  #retry = () => {
    void this.latchkey?.session.refresh().catch(() => {});
  };

  protected override render() {
    const org = this.#subject?.org;
    const title = org ? org.name : msg('Organization');
    return html`<div part="base" dir=${ifDefined(directionFor(this))}> <header part="header"> <h2 part="title">${title}</h2> ${org
          ? html`<p part="subtitle">${msg(str`Your role: ${roleLabel(org.role)}`)}</p>`
          : this.session.status === 'loading' || this.#list.status === 'pending'
            ? html`<span class="skeleton-line" aria-hidden="true"></span>`
            : nothing} </header> ${this.#renderBody()} ${this.#host.renderAnnouncer()} </div>`;
  }

  #renderBody(): TemplateResult | TemplateResult[] {
    const s = this.session;
    if (this.notConfigured) return html`<p class="alert" role="alert">${errorMessage(this.notConfigured)}</p>`;
    switch (s.status) {
      case 'loading':
        return html`<p class="visually-hidden" role="status">${msg('Loading the organization…')}</p>`;
      case 'signed-out':
        return html`<p class="signed-out">${msg('Sign in to manage your organization.')}</p> <slot name="signed-out"></slot>`;
      case 'error':
        return html`<div class="retry"> <p class="alert" role="alert">${errorMessage(s.error)}</p> <button type="button" class="secondary" @click=${this.#retry}>${msg('Try again')}</button> </div>`;
    }
    if (this.#isEnded()) return html`<p class="note ended" role="status">${this.#endedText()}</p>`;
    if (!this.#orgId()) return html`<p class="note">${msg('Choose an organization to see its settings.')}</p>`;
    const subject = this.#subject;
    if (!subject) {
      if (this.#list.status === 'error') return renderLoadFailed(errorMessage(this.#list.error), () => void this.#list.run([]));
      if (this.#organizations) return html`<p class="note">${msg('You aren’t a member of this organization, or it no longer exists.')}</p>`;
      return renderRowsLoading(msg('Loading the organization…'), 2);
    }
    return [
      ...(this.#host.steppingUp ? [html`<slot name="step-up"></slot>`] : []),
      ...this.#visible(subject.org).map(
        (def) =>
          html`<section part="section ${def.key}-section" id="${def.key}-section" class="section" aria-labelledby="${def.key}-title"> <h3 part="section-title" id="${def.key}-title">${def.title()}</h3> ${this.#section(def).render()} </section>`,
      ),
    ];
  }
}

customElements.define('lk-org-profile', LkOrgProfile);

declare global {
  interface HTMLElementTagNameMap {
    'lk-org-profile': LkOrgProfile;
  }
}
