import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { LatchkeyError, type Organization, type SessionClient, type SessionState } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import { LkElement } from '../internal/base.js';
import { LatestTask } from '../internal/latest-task.js';
import { MenuController } from '../internal/controllers/menu-controller.js';
import { errorMessage, loadErrorMessages } from '../internal/messages.js';
import { directionFor } from '../internal/locale-state.js';
import { whenIdle } from '../internal/idle.js';
import { OrgListController, renderOrgAvatar, renderOrgItems, roleLabel } from './org-list.js';
import { orgSwitcherStyles } from './org-switcher.styles.js';

/** The form of "Create organization" and its request: a chunk of its own. */
const importCreate = () => import('./org-create.js');
/** The panel of a switch the organization's policy refused: a chunk of its own. */
const importPolicy = () => import('./org-policy.js');
/** "Organizations you can join": a chunk of its own, imported when the menu opens. */
const importJoinable = () => import('./org-joinable.js');

type Popup = 'menu' | 'create' | 'policy';

/**
 * @summary The organization this tab works in, with a menu to switch to another, to the personal account, or to a new organization.
 *
 * Shows the tab's organization (the session store's, see `@latchkey/client`) and the
 * user's role in it. Its menu lists the personal account (where the host allows one)
 * and each of the user's organizations with their role; picking one switches this tab
 * (the broker checks the membership and the organization's security policy, and the
 * tab's next token carries its `org_id`) and fires `lk-org-changed`. "Create
 * organization" (where the host allows it) asks for a name, makes the organization
 * with the user as its owner, and switches into it. Below the user's organizations,
 * "Organizations you can join" lists those their verified address may join ("Join":
 * automatic enrolment, then the switch) or ask to join ("Ask to join", "Request
 * pending", a denial with its reason and "Ask again"), read when the menu opens.
 *
 * When an organization's policy refuses the switch (`org_policy_unmet`), the menu says
 * what it requires (two-step verification, a passkey, single sign-on) with a button
 * that fires `lk-org-policy-unmet` for the host to take the user there; for an account
 * without a second factor the enrolment (lk-mfa) opens in place unless the host
 * cancels that event — where lk-mfa is on the page (`import '@latchkey/elements/mfa.js'`;
 * the package's main entry has it). Shows nothing while nobody is signed in: put your own link in
 * the `signed-out` slot.
 *
 * @event {LkOrgChangedDetail} lk-org-changed - The tab switched organization. `detail: { org_id, organization }` (null: the personal account).
 * @event {LkOrgPolicyUnmetDetail} lk-org-policy-unmet - The user asked to meet a policy the switch was refused for. `detail: { requirement, org_id }`; cancelable (`mfa-enroll`: no inline enrolment).
 * @event {LkErrorDetail} lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot signed-out - Shown while nobody is signed in.
 *
 * @csspart button - The button that opens the menu.
 * @csspart org-avatar - An organization's initial (a person for the personal account), on the button and in the menu.
 * @csspart menu - The menu.
 * @csspart menu-item - Each entry of the menu (`org` for an organization or the personal account, `joinable` for one to join, `create` for "Create organization").
 * @csspart panel - In place of the menu: "Create organization", or what an organization's policy requires.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings. Darkened on light surfaces and lightened on dark ones where text needs it.
 * @cssproperty --lk-color-on-primary - Text on primary buttons (default: white or near-black, whichever the primary needs).
 * @cssproperty --lk-color-surface - Menu background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text (roles, hints).
 * @cssproperty --lk-color-border - The menu's edge and dividers (decorative).
 * @cssproperty --lk-color-danger - Errors.
 * @cssproperty --lk-radius - Corner radius of the button, menu and inputs.
 * @cssproperty --lk-border-width - Width of every border.
 * @cssproperty --lk-space-xs - Smallest gaps.
 * @cssproperty --lk-space-s - Small gaps.
 * @cssproperty --lk-space-m - Medium gaps.
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-font-size - Inputs.
 * @cssproperty --lk-font-size-small - Labels, hints, alerts.
 * @cssproperty --lk-focus-ring-color - Focus outline (3:1 against the surface by default).
 * @cssproperty --lk-focus-ring-width - Focus outline width.
 * @cssproperty --lk-shadow - Menu shadow.
 * @cssproperty --lk-input-height - Height of inputs (and, by default, buttons).
 * @cssproperty --lk-input-background-color - Input background.
 * @cssproperty --lk-input-border-color - Input and button border (3:1 against the surface by default).
 * @cssproperty --lk-button-background-color - Primary button background.
 * @cssproperty --lk-button-text-color - Primary button text.
 * @cssproperty --lk-button-height - Height of buttons.
 *
 * @cssstate signed-in - Someone is signed in.
 * @cssstate loading - The organizations are being read.
 * @cssstate error - The session or the organizations could not be read.
 * @cssstate empty - The user is in no organization.
 * @cssstate open - The menu (or a panel) is open.
 * @cssstate switching - A switch is running.
 * @cssstate policy-unmet - A switch was refused for the organization's policy.
 */
export class LkOrgSwitcher extends LkElement {
  static override styles = orgSwitcherStyles;
  static override properties: PropertyDeclarations = {
    session: { state: true },
    popup: { state: true },
    nameError: { state: true },
  };

  private session: SessionState = { status: 'loading' };
  /** What the open popup shows. */
  private popup: Popup = 'menu';
  /** Why the new organization's name was refused, at its field. */
  private nameError = '';
  /** Who the list is about, so a sign-in as someone else reads it again. */
  #listedFor?: string;
  #create?: typeof import('./org-create.js');
  /** The panel of a refused switch, once its chunk is in. */
  #policy?: import('./org-policy.js').PolicyPanel;
  #joinable?: import('./org-joinable.js').JoinableGroup;

  readonly #orgs = new OrgListController(this, { client: () => this.requireClient(), failed: (error) => this.reportError(error) });

  readonly #menu = new MenuController(this, {
    button: () => this.renderRoot.querySelector<HTMLElement>('[part~="button"]'),
    items: () => [...this.renderRoot.querySelectorAll<HTMLElement>('[role^="menuitem"]')],
  });

  readonly #creating = new LatestTask<[string], Organization>(this, {
    task: async ([name], { signal }) => {
      const chunk = (this.#create ??= await importCreate());
      return chunk.create(this.requireClient(), name, signal);
    },
    onComplete: (organization) => {
      this.#orgs.added(organization);
      void this.#pick(organization.id);
    },
    onError: (error) => {
      this.reportError(error);
      const field = error instanceof LatchkeyError && (error.code === 'slug_taken' || error.problem?.errors?.some((e) => e.path === 'name' || e.path === 'slug'));
      void loadErrorMessages()
        .catch(() => {})
        .then(() => (this.nameError = field ? errorMessage(error) : ''));
    },
  });

  protected override sessionChanged(state: SessionState, client: SessionClient) {
    this.session = state;
    if (state.status === 'loading') client.session.refresh().catch((error: unknown) => this.reportError(error));
    const who = state.status === 'signed-in' ? state.user.id : undefined;
    if (who !== this.#listedFor) {
      this.#listedFor = who;
      this.#orgs.list = undefined;
      this.#joinable?.reset();
      this.#menu.close(false);
      if (who) void this.#orgs.load.run([]);
    }
    // The store tells of a switch made elsewhere on the page (lk-user-button): draw the new one.
    this.requestUpdate();
  }

  protected override firstUpdated() {
    // The chunks a switch may need, while the page is idle, so they are in before they show.
    whenIdle(() => void Promise.all([importCreate(), importPolicy(), importJoinable()]).catch(() => {}));
  }

  protected override updated() {
    const list = this.#orgs.list;
    const states = [
      ...(this.session.status === 'signed-in' ? ['signed-in'] : []),
      ...(this.session.status === 'signed-in' && this.#orgs.loading ? ['loading'] : []),
      ...(this.session.status === 'error' || (this.#orgs.load.status === 'error' && !list) ? ['error'] : []),
      ...(list && list.organizations.length === 0 ? ['empty'] : []),
      ...(this.#menu.open ? ['open'] : []),
      ...(this.#orgs.switching.status === 'pending' ? ['switching'] : []),
      ...(this.#orgs.unmet ? ['policy-unmet'] : []),
    ];
    this.setStates(states);
  }

  protected override render() {
    const s = this.session;
    if (s.status === 'loading') return html`<span class="skeleton" aria-hidden="true"></span>`;
    if (s.status === 'signed-out') return html`<slot name="signed-out"></slot>`;
    if (s.status === 'error') return this.#renderFailure(msg("Can't reach sign-in."), () => void this.latchkey?.session.refresh().catch(() => {}));
    const orgs = this.#orgs;
    if (!orgs.list && orgs.load.status === 'error') return this.#renderFailure(msg("Couldn't load your organizations."), () => void orgs.load.run([]));
    const dir = directionFor(this);
    return html`<button part="button" type="button" dir=${ifDefined(dir)} aria-haspopup="menu" aria-expanded=${this.#menu.open ? 'true' : 'false'} aria-controls=${ifDefined(this.#menu.open ? 'popup' : undefined)} aria-busy=${orgs.loading || orgs.switching.status === 'pending' ? 'true' : 'false'} @click=${this.#toggle} @keydown=${this.#onButtonKeydown}> ${this.#renderCurrent()} <span class="chevron" aria-hidden="true"></span> </button> ${this.#menu.open ? this.#renderPopup(dir) : nothing}`;
  }

  /** Why the element cannot show the organizations, with "Try again". */
  #renderFailure(text: string, retry: () => void): TemplateResult {
    return html`<span class="error" role="alert">${text}</span> <button part="button" class="retry" type="button" @click=${retry}>${msg('Try again')}</button>`;
  }

  /** The button's content: the tab's organization and the user's role in it, or the personal account. */
  #renderCurrent(): TemplateResult {
    const orgs = this.#orgs;
    const list = orgs.list;
    const current = orgs.active;
    const label = (name: string, detail: string) => html`<span class="label"><span class="visually-hidden">${msg('Organization:')} </span><span class="current-name">${name}</span> <span class="current-role">${detail}</span></span>`;
    if (!list) return html`<span class="skeleton small" aria-hidden="true"></span>${label(msg('Loading organizations…'), '')}`;
    if (current) return html`${renderOrgAvatar(current)}${label(current.name, roleLabel(current.role))}`;
    if (orgs.activeId === null && list.personal_allowed) return html`${renderOrgAvatar(undefined)}${label(msg('Personal account'), msg('Only you'))}`;
    return html`${renderOrgAvatar(undefined)}${label(list.organizations.length ? msg('Choose an organization') : msg('No organization'), '')}`;
  }

  #renderPopup(dir: 'rtl' | undefined): TemplateResult {
    if (this.popup !== 'menu') {
      return html`<div part="panel" class="popup" id="popup" role="dialog" aria-labelledby="panel-title" dir=${ifDefined(dir)} @keydown=${this.#onPanelKeydown}>${this.popup === 'create' ? this.#renderCreate() : this.#renderPolicy()}</div>`;
    }
    const orgs = this.#orgs;
    const list = orgs.list;
    const joinable = this.#joinable;
    const failed = orgs.switching.status === 'error' && !orgs.unmet ? errorMessage(orgs.switching.error) : joinable?.alert;
    const entries = !list
      ? html`<div part="menu-item" role="menuitem" aria-disabled="true" tabindex="-1"><span class="busy" aria-hidden="true"></span>${msg('Loading organizations…')}</div>`
      : html`${renderOrgItems({ list, activeId: orgs.activeId, target: orgs.target, onPick: (id) => void this.#pick(id) })}${list.organizations.length === 0 && !list.personal_allowed
            ? html`<div part="menu-item" role="menuitem" aria-disabled="true" tabindex="-1">${msg('You’re not in an organization yet.')}</div>`
            : nothing}${joinable?.render()}${list.create_allowed
            ? html`<div role="separator"></div><button part="menu-item create" role="menuitem" type="button" tabindex="-1" @click=${this.#openCreate}><span part="org-avatar" class="plus" aria-hidden="true">+</span> <span class="org-text"><span class="org-name">${msg('Create organization')}</span></span></button>`
            : nothing}`;
    return html`<div class="popup" id="popup" dir=${ifDefined(dir)}> <div part="menu" role="menu" aria-label=${msg('Organizations')} @keydown=${this.#menu.onMenuKeydown}>${entries}</div> <p class="alert" role="alert">${failed}</p> <p class="visually-hidden" role="status">${joinable?.status}</p> </div>`;
  }

  #renderCreate(): TemplateResult {
    const chunk = this.#create;
    if (!chunk) return html`<p class="panel-text" role="status"><span class="busy" aria-hidden="true"></span> ${msg('Loading…')}</p>`;
    const task = this.#creating;
    const failed = task.status === 'error' && !this.nameError ? errorMessage(task.error) : '';
    return chunk.renderCreatePanel({
      uid: this.uid,
      pending: task.status === 'pending' || this.#orgs.switching.status === 'pending',
      fieldError: this.nameError,
      alert: failed,
      onSubmit: this.#submitCreate,
      onCancel: () => this.#showMenu(),
    });
  }

  #renderPolicy(): TemplateResult {
    if (!this.#policy || !this.#orgs.unmet) return html`<p class="panel-text" role="status"><span class="busy" aria-hidden="true"></span> ${msg('Loading…')}</p>`;
    return this.#policy.render();
  }

  /** The policy panel, its chunk imported once. */
  async #policyPanel() {
    if (this.#policy) return this.#policy;
    const { PolicyPanel } = await importPolicy();
    return (this.#policy ??= new PolicyPanel(this, {
      orgs: this.#orgs,
      client: () => this.latchkey,
      close: () => this.#menu.close(true),
      back: () => this.#showMenu(),
      retry: (orgId) => void this.#pick(orgId),
    }));
  }

  #toggle = () => {
    if (this.#menu.open) return this.#menu.close(false);
    this.#showMenu();
  };

  #onButtonKeydown = (event: KeyboardEvent) => {
    if (!['ArrowDown', 'ArrowUp', 'Enter', ' '].includes(event.key)) return;
    event.preventDefault();
    this.#showMenu(event.key === 'ArrowUp');
  };

  /** The menu, fresh (roles change): the list is read again while it shows. */
  #showMenu(last = false) {
    this.popup = 'menu';
    this.#policy?.reset();
    this.#orgs.unmet = undefined;
    this.nameError = '';
    void this.#menu.show(last);
    this.#refresh();
  }

  #refresh() {
    const orgs = this.#orgs;
    void this.#loadJoinable().catch(() => {});
    if (orgs.load.status !== 'pending') void orgs.load.run([]).then(() => this.#menu.open && this.popup === 'menu' && !this.renderRoot.querySelector('[role^="menuitem"]:focus') && this.#menu.focusEntry());
  }

  /** The organizations the user may join, read again each time the menu opens. */
  async #loadJoinable() {
    const { JoinableGroup } = await importJoinable();
    const group = (this.#joinable ??= new JoinableGroup(this, {
      client: () => this.requireClient(),
      failed: (error) => this.reportError(error),
      joined: (organization) => {
        this.#orgs.added(organization);
        void this.#pick(organization.id);
      },
    }));
    group.alert = group.status = '';
    if (group.load.status !== 'pending') await group.load.run([]);
  }

  /** Escape closes the panel and gives focus back to the button, as the menu's Escape does. */
  #onPanelKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.#menu.close(true);
  };

  async #showPanel(popup: Exclude<Popup, 'menu'>) {
    this.popup = popup;
    await this.updateComplete;
    const target = popup === 'create' ? this.renderRoot.querySelector<HTMLElement>('input[name="name"]') : this.renderRoot.querySelector<HTMLElement>('#panel-title');
    target?.focus();
  }

  #openCreate = async () => {
    this.nameError = '';
    this.popup = 'create';
    this.#create ??= await importCreate().catch(() => undefined);
    this.requestUpdate();
    void this.#showPanel('create');
  };

  #submitCreate = (name: string) => {
    if (!name) {
      this.nameError = msg('Enter a name for the organization.');
      return;
    }
    this.nameError = '';
    void this.#creating.run([name]);
  };

  /** Switches to `orgId` (the one already on: the menu just closes); a refused policy opens its panel. */
  async #pick(orgId: string | null) {
    const orgs = this.#orgs;
    if (orgId === orgs.activeId && this.popup === 'menu') return this.#menu.close(true);
    await orgs.pick(orgId);
    if (orgs.switching.status === 'complete') {
      this.#policy?.reset();
      this.popup = 'menu';
      this.#menu.close(true);
    } else if (orgs.unmet) {
      const panel = await this.#policyPanel().catch(() => undefined);
      // After an enrolment in place, the panel stays on it.
      if (this.popup !== 'policy' || !panel?.enrolling) void this.#showPanel('policy');
    } else if (this.popup === 'create') {
      this.popup = 'menu';
      this.#menu.focusEntry();
    }
  }
}

customElements.define('lk-org-switcher', LkOrgSwitcher);

declare global {
  interface HTMLElementTagNameMap {
    'lk-org-switcher': LkOrgSwitcher;
  }
}
