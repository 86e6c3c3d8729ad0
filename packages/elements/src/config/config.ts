import { LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import { LOCALE_STATUS_EVENT } from '@lit/localize';
import type { LatchkeyClient } from '@latchkey/client';
import { clientOrError } from '../internal/clients.js';
import { clientContext } from '../internal/context.js';
import { directionFor, requestLocale } from '../internal/localization.js';

/**
 * @summary Gives every Latchkey element inside it one broker client (and so one session).
 *
 * Also picks the language: `locale="de"` (any BCP 47 tag; `de-AT` uses German)
 * over the page's `<html lang>`, else English. Localization is page-wide
 * (`@lit/localize` has one current locale), so the newest `locale` set on any
 * `<lk-config>` (or `setLocale()`) applies to every Latchkey element. In a
 * right-to-left language the elements inside get `dir="rtl"` unless the page
 * (or an ancestor) sets `dir` itself.
 *
 * @slot - The page content that holds Latchkey elements.
 *
 * @example
 * <lk-config broker="https://auth.example.com" locale="de"> … <lk-sign-in></lk-sign-in> … </lk-config>
 */
@customElement('lk-config')
export class LkConfig extends LitElement {
  /** URL of the broker. */
  @property() broker?: string;

  /** A ready client instead of `broker` (tests, stories, or a client the page made itself). */
  @property({ attribute: false }) client?: LatchkeyClient;

  /**
   * Language of the elements (`en`, `de`, `ar`, or a regional tag such as
   * `de-AT`). Unset or unknown: the page's `<html lang>`, else English.
   */
  @property() locale?: string;

  private readonly provider = new ContextProvider(this, { context: clientContext });
  /** The Latchkey elements that took their client from here; they get `dir` in a right-to-left locale. */
  private readonly members = new Set<Element>();
  /** Elements whose `dir` this set, so it only ever removes its own. */
  private readonly setDir = new WeakSet<Element>();

  constructor() {
    super();
    // Every Latchkey element inside asks for its client with a context-request
    // event; that is how lk-config learns which elements are its own.
    this.addEventListener('context-request', (event) => {
      if (event.context !== clientContext) return;
      const element = event.composedPath()[0];
      if (element instanceof Element) {
        this.members.add(element);
        this.updateDirections();
      }
    });
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener(LOCALE_STATUS_EVENT, this.onLocaleStatus);
    // Back in the page after a move: its request counts again (the first connect's waits for willUpdate).
    if (this.hasUpdated && this.locale) void requestLocale(this, this.locale).catch(() => {});
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(LOCALE_STATUS_EVENT, this.onLocaleStatus);
    if (this.locale) void requestLocale(this, undefined);
  }

  private readonly onLocaleStatus = (event: WindowEventMap[typeof LOCALE_STATUS_EVENT]) => {
    if (event.detail.status === 'ready') this.updateDirections();
  };

  /** Sets `dir="rtl"` on member elements while the locale is right to left and nothing around them sets `dir`. */
  private updateDirections() {
    for (const element of this.members) {
      if (!element.isConnected) {
        this.members.delete(element);
        continue;
      }
      if (element.hasAttribute('dir') && !this.setDir.has(element)) continue;
      const dir = directionFor(element);
      if (dir) {
        element.setAttribute('dir', dir);
        this.setDir.add(element);
      } else if (this.setDir.has(element)) {
        element.removeAttribute('dir');
        this.setDir.delete(element);
      }
    }
  }

  protected override createRenderRoot() {
    // No shadow root of its own: it is a wrapper and must not change the page's layout or styles.
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('broker') || changed.has('client')) {
      // A wrong URL is passed on as its error, so the elements inside say why they cannot sign in.
      this.provider.setValue(this.client ?? (this.broker ? clientOrError(this.broker) : undefined));
    }
    if (changed.has('locale') && this.isConnected) {
      void requestLocale(this, this.locale).catch(() => {});
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lk-config': LkConfig;
  }
}
