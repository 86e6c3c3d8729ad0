import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { LatchkeyError, type SessionClient } from '@latchkey/client';
import type { SectionHost } from './section.js';

/** What the element lends its sections: its client, events and page navigation (its own protected methods). */
export interface SectionsOptions {
  /** The element's prefix for light-DOM ids ("Confirm it's you" fields). */
  uid: string;
  client(): SessionClient;
  reportError(error: unknown): void;
  emit(event: Event): boolean;
  navigate(url: string): void;
}

type SectionsElement = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * The `SectionHost` an element of sections (`lk-user-profile`, `lk-org-profile`)
 * gives its sections: the card's polite live region, focus after a change, and
 * the step-up every sensitive change may meet. The element draws the live
 * region (`renderAnnouncer`) and, while `steppingUp`, the `step-up` slot where
 * "Confirm it's you" puts its light-DOM form.
 *
 * @example
 * readonly #sections = new SectionsController(this, { uid: this.uid, client: () => this.requireClient(), … });
 */
export class SectionsController implements SectionHost, ReactiveController {
  /** Said through the polite live region: what a section just did. */
  announcement = '';
  /** The "Confirm it's you" panel is open (its form is in the light DOM, slot `step-up`). */
  steppingUp = false;
  /** The open step-up: two changes refused at once share one panel. */
  #stepUp?: Promise<void>;
  readonly #element: SectionsElement;
  readonly #options: SectionsOptions;

  constructor(element: SectionsElement, options: SectionsOptions) {
    this.#element = element;
    this.#options = options;
    element.addController(this);
  }

  hostConnected() {}

  client(): SessionClient {
    return this.#options.client();
  }

  reportError(error: unknown): void {
    this.#options.reportError(error);
  }

  emit(event: Event): boolean {
    return this.#options.emit(event);
  }

  navigate(url: string): void {
    this.#options.navigate(url);
  }

  announce(text: string): void {
    // Emptied first, so the same words twice in a row ("Passkey deleted.") are said twice.
    this.announcement = '';
    this.#element.requestUpdate();
    void this.#element.updateComplete.then(() => {
      this.announcement = text;
      this.#element.requestUpdate();
    });
  }

  focus(selector: string): void {
    // A task's onComplete runs before it asks its host to update: ask here, so the new rows are there.
    this.#element.requestUpdate();
    void this.#element.updateComplete.then(() => this.#element.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  /**
   * Runs a sensitive change; when the broker answers `reauthentication_required`, asks
   * for a factor again ("Confirm it's you", a chunk loaded only then) and runs it once
   * more. Cancel, or a panel that cannot open, rejects with the broker's refusal.
   */
  async sensitive<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof LatchkeyError && error.code === 'reauthentication_required')) throw error;
      this.#stepUp ??= import('./step-up.js')
        .catch(() => Promise.reject(error))
        .then(({ confirmIdentity }) =>
          confirmIdentity(
            {
              element: this.#element,
              uid: this.#options.uid,
              connection: () => this.client().connection,
              reportError: (e) => this.reportError(e),
              announce: (text) => this.announce(text),
              opened: (open) => {
                this.steppingUp = open;
                this.#element.requestUpdate();
              },
            },
            error,
          ),
        )
        .finally(() => (this.#stepUp = undefined));
      await this.#stepUp;
      return action();
    }
  }

  /** The card's polite live region. */
  renderAnnouncer(): TemplateResult {
    return html`<p class="visually-hidden" aria-live="polite">${this.announcement}</p>`;
  }
}
