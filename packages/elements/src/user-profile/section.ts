import type { nothing, ReactiveController, TemplateResult } from 'lit';
import type { SessionClient, User } from '@latchkey/client';

/**
 * What a section of `lk-user-profile` gets from the element: the client, the
 * page's events, and the card's live region and focus. Sections never see the
 * element itself, so the element's internals stay its own.
 */
export interface SectionHost {
  /** The element's client; throws `not_configured` when there is none. */
  client(): SessionClient;
  /** Tells the page about a broker failure the section now shows (`lk-error`). */
  reportError(error: unknown): void;
  /** Fires one of the section's events. */
  emit(event: Event): boolean;
  /** Says `text` through the card's polite live region (a change the user did not see happen where their focus is). */
  announce(text: string): void;
  /** Focuses the first element of the card's shadow root matching `selector`, once the next update has rendered it. */
  focus(selector: string): void;
  /** Sends the whole page to `url` (an identity provider); the element's `navigate`, `location.assign` by default. */
  navigate(url: string): void;
  /**
   * Runs a sensitive change (password, email, passkeys, second factors, recovery codes,
   * connected accounts). Where the broker answers `reauthentication_required`, the element
   * asks for a factor again (step-up) and then runs `action` once more; it settles as the
   * action finally does. Every sensitive call of a section goes through it.
   *
   * @example
   * await this.host.sensitive(() => deletePasskey(this.host.client(), id));
   */
  sensitive<T>(action: () => Promise<T>): Promise<T>;
}

/**
 * One section of `lk-user-profile`, each a controller with its own requests
 * and state, and a template of its own: passkeys and connected accounts now; the account, MFA and
 * session sections slot in beside it the same way.
 */
export interface ProfileSection extends ReactiveController {
  /** Who is signed in changed (undefined: nobody): load, or forget, what the section shows. */
  userChanged(user: User | undefined): void;
  /** Custom states the element is in because of this section (e.g. `adding-passkey`). */
  readonly states: string[];
  render(): TemplateResult;
  /**
   * A section with a credential field (a one-time code) draws its form in the element's
   * light DOM, where password managers see it: into an element with `slot`, which its
   * shadow template places with `<slot name=…>`.
   */
  readonly slot?: string;
  renderLight?(): TemplateResult | typeof nothing;
}
