import type { nothing, ReactiveController, TemplateResult } from 'lit';
import type { SessionClient } from '@latchkey/client';

/**
 * What a section of an element of sections (`lk-user-profile`, `lk-org-profile`)
 * gets from the element: the client, the page's events, and the card's live
 * region and focus. Sections never see the element itself, so the element's
 * internals stay its own.
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
   * connected accounts, an organization's security settings). Where the broker answers
   * `reauthentication_required`, the element asks for a factor again (step-up) and then
   * runs `action` once more; it settles as the action finally does. Every sensitive call
   * of a section goes through it.
   *
   * @example
   * await this.host.sensitive(() => deletePasskey(this.host.client(), id));
   */
  sensitive<T>(action: () => Promise<T>): Promise<T>;
}

/**
 * One section of an element of sections, a controller with its own requests and
 * state, and a template of its own. `Subject` is what it shows: the signed-in
 * user (`lk-user-profile`), an organization and its member (`lk-org-profile`).
 */
export interface Section<Subject> extends ReactiveController {
  /** What the section is about changed (undefined: nothing to show): load, or forget, what it shows. */
  subjectChanged(subject: Subject | undefined): void;
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
