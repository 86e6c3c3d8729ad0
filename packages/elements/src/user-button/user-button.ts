import { html, nothing, type PropertyDeclarations } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import { signOut, type SessionClient, type SessionState } from '@latchkey/client';
import { LkSignOutEvent } from '../events/sign-out.js';
import { LkSignedOutEvent } from '../events/signed-out.js';
import { LkElement } from '../internal/base.js';
import { errorMessage } from '../internal/messages.js';
import { directionFor } from '../internal/locale-state.js';
import { MenuController } from '../internal/controllers/menu-controller.js';
import { userButtonStyles } from './user-button.styles.js';

/** The organizations' part of the menu (lk-org-switcher's list and switch): a chunk, imported when the menu first opens. */
const importOrgs = () => import('./user-button.orgs.js');

/** Up to two initials from the name, else the first letter of the email. */
function initials(name: string | null, email: string): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  const letters = words.length ? words.slice(0, 2).map((w) => [...w][0]) : [[...email][0]];
  return letters.join('').toUpperCase();
}

/**
 * @summary Who is signed in, with a menu to switch organization and to sign out.
 *
 * Its menu lists the user's organizations (and the personal account, where the host
 * allows one) with their role, as lk-org-switcher does: picking one switches this tab
 * and fires `lk-org-changed`; an organization whose policy refuses the switch says
 * what it requires (`lk-org-policy-unmet`). A user in no organization sees no such
 * entries; `no-organizations` leaves them out altogether.
 *
 * Shows nothing while nobody is signed in (and a placeholder circle while it
 * is still asking the broker); put your own "Sign in" link in the `signed-out` slot.
 * When the broker cannot be reached it says so, with a "Try again" button.
 * Below 480 px wide only the avatar shows.
 *
 * @event lk-sign-out - About to sign out; cancelable.
 * @event lk-signed-out - Signed out: the session is revoked on the broker.
 * @event {LkOrgChangedDetail} lk-org-changed - The tab switched organization from the menu. `detail: { org_id, organization }`.
 * @event {LkOrgPolicyUnmetDetail} lk-org-policy-unmet - The user asked to meet a policy a switch was refused for. `detail: { requirement, org_id }`; cancelable.
 * @event {LkErrorDetail} lk-error - The session could not be read (`not_configured` without a broker), or sign-out failed. `detail: { code, problem? }`.
 *
 * @slot signed-out - Shown while nobody is signed in.
 * @slot menu - More menu entries of your own, between "Manage account" and "Sign out": elements with `role="menuitem"` (e.g. `<a role="menuitem" href="/orgs">Organizations</a>`); arrow keys reach them too.
 *
 * @csspart button - The avatar button that opens the menu.
 * @csspart avatar - The initials circle.
 * @csspart menu - The menu.
 * @csspart menu-header - Name and email at the top of the menu.
 * @csspart menu-item - Each menu entry (`org` for an organization or the personal account).
 * @csspart org-avatar - An organization's initial (a person for the personal account).
 * @csspart panel - In place of the menu: what an organization's policy requires.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings. Darkened on light surfaces and lightened on dark ones where text needs it.
 * @cssproperty --lk-color-on-primary - Text on primary buttons (default: white or near-black, whichever the primary needs).
 * @cssproperty --lk-color-surface - Card background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-danger - Errors.
 * @cssproperty --lk-radius - Corner radius of inputs and buttons (the card's is 1.4×).
 * @cssproperty --lk-border-width - Width of every border.
 * @cssproperty --lk-space-xs - Smallest gaps.
 * @cssproperty --lk-space-s - Small gaps.
 * @cssproperty --lk-space-m - Medium gaps.
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-font-size-small - Labels, links, alerts.
 * @cssproperty --lk-focus-ring-color - Focus outline (3:1 against the surface by default).
 * @cssproperty --lk-focus-ring-width - Focus outline width.
 * @cssproperty --lk-shadow - Card shadow.
 * @cssproperty --lk-input-height - Height of inputs (and, by default, buttons).
 * @cssproperty --lk-input-border-color - Input and secondary button border (3:1 against the surface by default).
 *
 * @cssstate signed-in - Someone is signed in.
 * @cssstate error - The broker could not be reached.
 * @cssstate open - The menu is open.
 */
export class LkUserButton extends LkElement {
  static override styles = userButtonStyles;
  // Declared as static properties, not decorators, as in base.ts: the decorator runtime cost
  // all elements together about 0.6 kB gzip.
  static override properties: PropertyDeclarations = {
    accountUrl: { attribute: 'account-url' },
    noOrganizations: { type: Boolean, attribute: 'no-organizations' },
    session: { state: true },
    unreachable: { state: true },
  };

  /** Where "Manage account" goes; the entry shows only when set. */
  accountUrl?: string;

  /** Leave the organizations out of the menu (a host without organizations). */
  noOrganizations = false;

  private session: SessionState = { status: 'loading' };
  /** The first session check failed (network, broker down). */
  private unreachable = false;

  readonly #signOutTask = new LatestTask(this, {
    task: async (_args: [], { signal }) => {
      try {
        const client = this.requireClient();
        await signOut(client.connection, { signal });
        client.session.set(null);
        this.emit(new LkSignedOutEvent());
      } catch (error) {
        this.reportError(error);
        throw error;
      }
    },
  });

  readonly #menu = new MenuController(this, {
    button: () => this.renderRoot.querySelector<HTMLElement>('[part~="button"]'),
    items: () => this.#items,
  });

  /** The organizations' part, once its chunk is in. */
  #orgs?: import('./user-button.orgs.js').UserButtonOrgs;

  protected override sessionChanged(state: SessionState, client: SessionClient) {
    this.session = state;
    if (state.status !== 'signed-in') this.#menu.close(false);
    this.#orgs?.sessionChanged(state);
    if (state.status === 'loading') {
      this.unreachable = false;
      // A failure becomes the store's `error` state, which this element shows with "Try again".
      client.session.refresh().catch((error: unknown) => this.reportError(error));
    }
  }

  #retry = () => {
    void this.latchkey?.session.refresh().catch(() => {});
  };

  protected override firstUpdated() {
    // With no broker there is no session to wait for. <lk-config> or configure()
    // later on the page get a turn first; if one arrives even later, the
    // element still picks it up (see sessionChanged).
    setTimeout(() => {
      if (!this.isConnected || this.latchkey) return;
      try {
        this.requireClient();
      } catch (error) {
        this.unreachable = true;
        this.reportError(error);
      }
    });
  }

  protected override updated() {
    this.setStates([...(this.session.status === 'signed-in' || this.session.status === 'error' ? [this.session.status] : []), ...(this.#menu.open ? ['open'] : [])]);
  }

  protected override render() {
    const s = this.session;
    if (s.status === 'loading') return this.unreachable ? nothing : html`<span class="skeleton" aria-hidden="true"></span>`;
    if (s.status === 'signed-out') return html`<slot name="signed-out"></slot>`;
    if (s.status === 'error') {
      return html`<span class="error" role="alert">${msg("Can't reach sign-in.")}</span> <button part="button" type="button" @click=${this.#retry}>${msg('Try again')}</button>`;
    }
    const label = s.user.name ?? s.user.email;
    // On the button and the menu's content, not on the element: the page lays the element (and where
    // the menu opens) out in its own direction.
    const dir = directionFor(this);
    const open = this.#menu.open;
    const panel = open ? this.#orgs?.renderPanel(dir) : undefined;
    return html`<button part="button" type="button" dir=${ifDefined(dir)} aria-haspopup="menu" aria-expanded=${open ? 'true' : 'false'} aria-controls="menu" @click=${this.#toggle} @keydown=${this.#onButtonKeydown} > <span part="avatar" aria-hidden="true">${initials(s.user.name, s.user.email)}</span> <span class="label">${label}</span> <span class="chevron" aria-hidden="true"></span> </button> ${panel ?? (open
        ? html`<div part="menu" id="menu" role="menu" aria-label=${msg('Account')} @keydown=${this.#menu.onMenuKeydown}> <div role="none" dir=${ifDefined(dir)}> <div part="menu-header" role="presentation"> ${s.user.name ? html`<div class="name">${s.user.name}</div>` : nothing} <div class="email"><bdi>${s.user.email}</bdi></div> </div> ${this.#orgs?.renderItems() ?? nothing} ${this.accountUrl
              ? html`<a part="menu-item" role="menuitem" tabindex="-1" href=${this.accountUrl}>${msg('Manage account')}</a>`
              : nothing} <slot name="menu"></slot> <button part="menu-item" role="menuitem" type="button" tabindex="-1" @click=${this.#signOut}> ${this.#signOutLabel()} </button> </div> </div>`
        : nothing)}`;
  }

  /** "Sign out", "Signing out…" while it runs, or why it failed. */
  #signOutLabel(): string {
    const { status, error } = this.#signOutTask;
    return status === 'pending' ? msg('Signing out…') : status === 'error' ? errorMessage(error) : msg('Sign out');
  }

  /** The menu's entries in order, the host's slotted ones included. */
  get #items() {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"], slot')].flatMap((e) =>
      e instanceof HTMLSlotElement ? (e.assignedElements() as HTMLElement[]).filter((item) => item.getAttribute('role') === 'menuitem') : [e],
    );
  }

  #toggle = () => (this.#menu.open ? this.#menu.close(false) : this.#openMenu());

  #onButtonKeydown = (event: KeyboardEvent) => {
    if (!['ArrowDown', 'ArrowUp', 'Enter', ' '].includes(event.key)) return;
    event.preventDefault();
    this.#openMenu(event.key === 'ArrowUp');
  };

  /** Opens the menu; its organizations come with their chunk, read again on each opening. */
  #openMenu(last = false) {
    void this.#menu.show(last);
    if (this.noOrganizations) return;
    if (this.#orgs) return this.#orgs.refresh();
    void importOrgs().then(
      ({ UserButtonOrgs }) => {
        this.#orgs ??= new UserButtonOrgs(this, {
          client: () => this.requireClient(),
          failed: (error) => this.reportError(error),
          menu: this.#menu,
        });
        this.#orgs.sessionChanged(this.session);
        this.#orgs.refresh();
      },
      // Without the chunk the menu still signs out; the organizations are simply not there.
      () => {},
    );
  }

  #signOut = () => {
    if (!this.emit(new LkSignOutEvent())) {
      this.#menu.close(true);
      return;
    }
    void this.#signOutTask.run([]);
  };
}

customElements.define('lk-user-button', LkUserButton);

declare global {
  interface HTMLElementTagNameMap {
    'lk-user-button': LkUserButton;
  }
}
