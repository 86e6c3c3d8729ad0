import { html, nothing, render, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg } from '../internal/localize.js';
import type { SessionClient, SessionState, User } from '@latchkey/client';
import { LkElement } from '../internal/base.js';
import { errorMessage, loadErrorMessages } from '../internal/messages.js';
import { directionFor } from '../internal/locale-state.js';
import { ConnectedAccountsSection } from './connected-accounts.section.js';
import { LazySection } from '../internal/sections/lazy-section.js';
import { SectionsController } from '../internal/sections/section-host.js';
import { PasskeysSection } from './passkeys.section.js';
import { TwoStepSection } from './two-step.section.js';
import { adoptFormStyles } from '../internal/form-styles.js';
import type { ProfileSection } from './section.js';
import { sectionStyles } from '../internal/sections/section-styles.js';

const loadingAccount = () => msg('Loading your account…');

/**
 * @summary The signed-in user's account page: their email address and password, passkeys (list, rename, delete, add), connected accounts (list, connect, disconnect) and active sessions.
 *
 * Built of sections, each with its own requests. "Email address" shows the
 * address in use; "Change email" asks for the new one and then the code mailed
 * to it (both fields in the light DOM). "Password" offers "Set a password" or
 * "Change password" with a new-password field in the light DOM, where password
 * managers find it; a weak password is explained at the field. Both changes
 * run through the step-up the broker may ask for. "Active sessions" lists where
 * the account is signed in (browser, device, address, last activity; "This
 * device" first), with "Sign out" per other session and "Sign out of all other
 * devices". These three are a chunk imported as the element is made.
 * "Passkeys" lists the user's
 * passkeys with their name, when each was made and last used, and whether it is
 * synced (to a password manager or platform account) or on this device only.
 * Each can be renamed in place or deleted after a confirmation; the broker
 * refuses to delete the last way into an account, and the element says so.
 * "Add a passkey" opens the browser's passkey dialog; a cancelled or timed-out
 * dialog, an authenticator that already holds one for this account, and a
 * browser without passkeys each get their own message.
 *
 * "Connected accounts" lists the identities of other providers (DevHub,
 * Google…) attached to the account, with the email each asserted and when it
 * was connected. "Connect {provider}" sends the page to that provider and back;
 * on its return (`lk_resume` in the query, removed at once) the element asks
 * the broker how it went, announces the new account or says why not (declined,
 * provider unreachable, an account that cannot be linked). "Disconnect" asks
 * first; the broker refuses to disconnect the last way in, and the element says
 * what to do instead.
 *
 * A sensitive change (adding or deleting a passkey, connecting or disconnecting
 * an account) made longer after signing in than the broker's step-up window
 * (10 minutes by default) is refused with `reauthentication_required`; the card
 * then shows "Confirm it's you" above its sections: the account's password, an
 * authenticator or recovery code, a passkey, or a code mailed to it, whichever
 * the broker says the account can use. Once confirmed, the change runs again;
 * Cancel leaves everything as it was.
 *
 * While nobody is signed in it says so and shows the `signed-out` slot (put a
 * "Sign in" link there). When the broker cannot be reached it says so, with
 * "Try again".
 *
 * @event {LkPasskeyDetail} lk-passkey-added - A passkey was added. `detail: { passkey }`.
 * @event {LkPasskeyDetail} lk-passkey-renamed - A passkey was renamed. `detail: { passkey }` (with its new name).
 * @event {LkPasskeyDetail} lk-passkey-deleted - A passkey was deleted. `detail: { passkey }` (as it was).
 * @event {LkMfaEnrolledDetail} lk-mfa-enrolled - Two-step verification was turned on in its section. `detail` as lk-mfa's.
 * @event {LkErrorDetail} lk-error - A request to the broker failed and the element shows why (`not_configured` without a broker). `detail: { code, problem? }`.
 *
 * @slot signed-out - Shown while nobody is signed in, under "Sign in to manage your account.".
 * @slot step-up - Filled by the element itself: the light-DOM form of "Confirm it's you" (password managers only see the light DOM).
 * @slot email-form - (internal) The element's own light-DOM form for the new address and its code.
 * @slot password-form - (internal) The element's own light-DOM form for the new password.
 *
 * @csspart base - The card.
 * @csspart header - Title and the signed-in address.
 * @csspart title - The heading.
 * @csspart subtitle - The signed-in address.
 * @csspart section - Each section (Passkeys, Connected accounts).
 * @csspart section-title - A section's heading.
 * @csspart section-description - The line under a section's heading.
 * @csspart account-list - The list of connected accounts.
 * @csspart account - One connected account's row.
 * @csspart account-name - A connected account's provider name.
 * @csspart connect-button - "Connect {provider}", one per provider not connected yet.
 * @csspart passkey-list - The list of passkeys.
 * @csspart passkey - One passkey's row.
 * @csspart passkey-name - A passkey's name.
 * @csspart passkey-kind - "Synced" or "This device only".
 * @csspart confirm - The confirmation under a passkey about to be deleted, or an account about to be disconnected.
 * @csspart add-button - "Add a passkey".
 * @csspart current-email - The address in use (Email address).
 * @csspart email-button - "Change email".
 * @csspart password-button - "Set a password" or "Change password".
 * @csspart sessions-section - The Active sessions section (also `section`).
 * @csspart session-list - The list of active sessions.
 * @csspart session - One session's row.
 * @csspart session-name - "Chrome on macOS".
 * @csspart session-current - "This device".
 * @csspart sign-out-others - "Sign out of all other devices".
 * @csspart unsupported - Why this browser cannot add a passkey (in place of the button).
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings. Darkened on light surfaces and lightened on dark ones where text needs it.
 * @cssproperty --lk-color-on-primary - Text on primary buttons (default: white or near-black, whichever the primary needs).
 * @cssproperty --lk-color-surface - Card background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-border - Card edge and dividers (decorative).
 * @cssproperty --lk-color-danger - Errors, "Delete".
 * @cssproperty --lk-color-success - The "Synced" label.
 * @cssproperty --lk-radius - Corner radius of inputs and buttons (the card's is 1.4×).
 * @cssproperty --lk-border-width - Width of every border.
 * @cssproperty --lk-space-xs - Smallest gaps.
 * @cssproperty --lk-space-s - Small gaps.
 * @cssproperty --lk-space-m - Medium gaps.
 * @cssproperty --lk-space-l - Largest card padding (narrow screens use less).
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-font-size - Inputs.
 * @cssproperty --lk-font-size-small - Labels, links, alerts.
 * @cssproperty --lk-font-size-title - The heading.
 * @cssproperty --lk-focus-ring-color - Focus outline (3:1 against the surface by default).
 * @cssproperty --lk-focus-ring-width - Focus outline width.
 * @cssproperty --lk-shadow - Card shadow.
 * @cssproperty --lk-card-max-width - Widest the card grows (560px by default here).
 * @cssproperty --lk-card-padding - Padding inside the card, the same on every side.
 * @cssproperty --lk-input-height - Height of inputs (and, by default, buttons).
 * @cssproperty --lk-input-background-color - Input background.
 * @cssproperty --lk-input-border-color - Input and secondary button border (3:1 against the surface by default).
 * @cssproperty --lk-button-background-color - Primary button background.
 * @cssproperty --lk-button-text-color - Primary button text.
 * @cssproperty --lk-button-height - Height of buttons.
 *
 * @cssstate loading - The session or a section's list is being read.
 * @cssstate signed-in - Someone is signed in.
 * @cssstate signed-out - Nobody is signed in.
 * @cssstate error - The broker could not be reached.
 * @cssstate connecting-account - The page is on its way to a provider to connect it.
 * @cssstate adding-passkey - The browser's passkey dialog is open (or the broker is saving the new passkey).
 * @cssstate step-up - The "Confirm it's you" panel is open: a sensitive change waits for a password, code or passkey.
 * @cssstate changing-email - The new-address form is open.
 * @cssstate email-code - The new address's verification code is asked for.
 * @cssstate saving-password - The broker is saving the new password.
 */
export class LkUserProfile extends LkElement {
  static override styles = sectionStyles;
  // Declared as static properties, not decorators, as in base.ts: the decorator runtime cost
  // all elements together about 0.6 kB gzip.
  static override properties: PropertyDeclarations = {
    navigate: { attribute: false },
    session: { state: true },
    notConfigured: { state: true },
  };

  /**
   * How the page leaves for an identity provider to connect it: `location.assign`
   * by default. Tests and stories set their own, so the page stays.
   */
  navigate: (url: string) => void = (url) => location.assign(url);

  private session: SessionState = { status: 'loading' };
  /** No broker is configured: there is no session to wait for. */
  private notConfigured?: unknown;
  /** The sections' host: live region, focus, and the step-up of sensitive changes. */
  readonly #sectionHost = new SectionsController(this, {
    uid: this.uid,
    client: () => this.requireClient(),
    reportError: (error) => this.reportError(error),
    emit: (event) => this.emit(event),
    navigate: (url) => this.navigate(url),
  });

  /** In page order. The email, password and sessions sections are a chunk of their own (account.sections.ts). */
  readonly #sections: ProfileSection[] = [
    new LazySection<User>(this, this.#sectionHost, () => import('./account.sections.js').then((m) => m.email), loadingAccount),
    new LazySection<User>(this, this.#sectionHost, () => import('./account.sections.js').then((m) => m.password), loadingAccount),
    new PasskeysSection(this, this.#sectionHost),
    new TwoStepSection(this, this.#sectionHost),
    new ConnectedAccountsSection(this, this.#sectionHost),
    new LazySection<User>(this, this.#sectionHost, () => import('./account.sections.js').then((m) => m.sessions), loadingAccount),
  ];
  /** The light-DOM hosts of the sections' forms (`ProfileSection.slot`), made when first needed. */
  readonly #lightHosts = new Map<string, HTMLElement>();

  override connectedCallback() {
    super.connectedCallback();
    // The sections' light-DOM forms (a one-time code field) are styled from the root node, as lk-sign-in's.
    adoptFormStyles(this.getRootNode());
  }

  protected override sessionChanged(state: SessionState, client: SessionClient) {
    this.session = state;
    this.notConfigured = undefined;
    // A failure becomes the store's `error` state, which this element shows with "Try again".
    if (state.status === 'loading') client.session.refresh().catch((error: unknown) => this.reportError(error));
    for (const section of this.#sections) section.subjectChanged(state.status === 'signed-in' ? state.user : undefined);
  }

  protected override firstUpdated() {
    // As lk-user-button: with no broker there is no session to wait for, once <lk-config>
    // or configure() later on the page have had their turn.
    setTimeout(() => {
      if (!this.isConnected || this.latchkey) return;
      try {
        this.requireClient();
      } catch (error) {
        this.reportError(error);
        // Its message is in the error-messages chunk: shown once that is loaded, never the generic text first.
        void loadErrorMessages()
          .catch(() => {})
          .then(() => {
            if (this.isConnected && !this.latchkey) this.notConfigured = error;
          });
      }
    });
  }

  protected override updated() {
    const status = this.session.status;
    const states = this.session.status === 'signed-in' ? [...this.#sections.flatMap((s) => s.states), ...(this.#sectionHost.steppingUp ? ['step-up'] : [])] : [];
    this.setStates([...(status === 'loading' && !this.notConfigured ? ['loading'] : status === 'loading' ? [] : [status]), ...states]);
    this.#renderLight();
  }

  /** Each section's light-DOM form into its slotted host (nothing while nobody is signed in). */
  #renderLight() {
    for (const section of this.#sections) {
      if (!section.slot || !section.renderLight) continue;
      const form = this.session.status === 'signed-in' ? section.renderLight() : nothing;
      let host = this.#lightHosts.get(section.slot);
      if (!host && form === nothing) continue;
      if (!host) {
        host = Object.assign(document.createElement('div'), { slot: section.slot, className: 'lk-form-host' });
        this.#lightHosts.set(section.slot, host);
      }
      if (host.parentNode !== this) this.append(host);
      render(form, host, { host: this });
    }
  }

  #retry = () => {
    void this.latchkey?.session.refresh().catch(() => {});
  };

  protected override render() {
    const s = this.session;
    return html`<div part="base" dir=${ifDefined(directionFor(this))}> <header part="header"> <h2 part="title">${msg('Your account')}</h2> ${s.status === 'signed-in'
          ? html`<p part="subtitle"><bdi>${s.user.email}</bdi></p>`
          : s.status === 'loading' && !this.notConfigured
            ? html`<span class="skeleton-line" aria-hidden="true"></span>`
            : nothing} </header> ${this.#renderBody()} ${this.#sectionHost.renderAnnouncer()} </div>`;
  }

  #renderBody(): TemplateResult | TemplateResult[] {
    const s = this.session;
    if (this.notConfigured) return html`<p class="alert" role="alert">${errorMessage(this.notConfigured)}</p>`;
    switch (s.status) {
      case 'loading':
        return html`<p class="visually-hidden" role="status">${msg('Loading your account…')}</p>`;
      case 'signed-out':
        return html`<p class="signed-out">${msg('Sign in to manage your account.')}</p> <slot name="signed-out"></slot>`;
      case 'error':
        return html`<div class="retry"> <p class="alert" role="alert">${errorMessage(s.error)}</p> <button type="button" class="secondary" @click=${this.#retry}>${msg('Try again')}</button> </div>`;
      case 'signed-in':
        // The "Confirm it's you" panel, above the sections while a change waits for it.
        return [...(this.#sectionHost.steppingUp ? [html`<slot name="step-up"></slot>`] : []), ...this.#sections.map((section) => section.render())];
    }
  }
}

customElements.define('lk-user-profile', LkUserProfile);

declare global {
  interface HTMLElementTagNameMap {
    'lk-user-profile': LkUserProfile;
  }
}
