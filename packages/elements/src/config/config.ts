import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { SessionClient } from '@latchkey/client';
import { clientOrError } from '../internal/clients.js';
import { clientContext, type ClientCallback, type ClientRequest, type ProvidedClient } from '../internal/context.js';
import { requestLocale } from '../internal/localization.js';

/**
 * @summary Gives every Latchkey element inside it one broker client (and so one session).
 *
 * Also picks the language: `locale="de"` (any BCP 47 tag; `de-AT` uses German)
 * over the page's `<html lang>`, else English. Localization is page-wide
 * (`@lit/localize` has one current locale), so the newest `locale` set on any
 * `<lk-config>` (or `setLocale()`) applies to every Latchkey element. In a
 * right-to-left language every Latchkey element lays out its own content right
 * to left unless the page (or an ancestor) sets `dir` itself.
 *
 * @slot - The page content that holds Latchkey elements.
 *
 * @example
 * <lk-config broker="https://auth.example.com" locale="de"> … <lk-sign-in></lk-sign-in> … </lk-config>
 */
export class LkConfig extends LitElement {
  // Declared as static properties, not decorators, as in base.ts: the decorator runtime cost
  // all elements together about 0.6 kB gzip.
  static override properties: PropertyDeclarations = {
    broker: {},
    client: { attribute: false },
    locale: {},
  };

  /** URL of the broker. */
  broker?: string;

  /** A ready client instead of `broker` (tests, stories, or a client the page made itself). */
  client?: SessionClient;

  /**
   * Language of the elements (`en`, `de`, `ar`, or a regional tag such as
   * `de-AT`). Unset or unknown: the page's `<html lang>`, else English.
   */
  locale?: string;

  /** The client it gives, and the elements inside that asked for it, each with how it stops asking. */
  #provided?: ProvidedClient;
  readonly #subscribers = new Map<ClientCallback, () => void>();

  constructor() {
    super();
    this.addEventListener('context-request', this.#answer);
  }

  /**
   * An element inside asks for the client (the context protocol's event; see
   * `requestClient`): it gets it now and, subscribed, every new one, with one
   * unsubscribe function per subscriber that stays the same across calls, by
   * which it tells this provider from another.
   */
  #answer = (event: Event) => {
    const { context, contextTarget, callback, subscribe } = event as ClientRequest;
    if (context !== clientContext || contextTarget === this) return;
    event.stopPropagation();
    if (!subscribe) return callback(this.#provided);
    let unsubscribe = this.#subscribers.get(callback);
    if (!unsubscribe) this.#subscribers.set(callback, (unsubscribe = () => this.#subscribers.delete(callback)));
    callback(this.#provided, unsubscribe);
  };

  override connectedCallback() {
    super.connectedCallback();
    // Back in the page after a move: its request counts again (the first connect's waits for willUpdate).
    if (this.hasUpdated && this.locale) void requestLocale(this, this.locale).catch(() => {});
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    if (this.locale) void requestLocale(this, undefined);
  }

  protected override createRenderRoot() {
    // No shadow root of its own: it is a wrapper and must not change the page's layout or styles.
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('broker') || changed.has('client')) {
      // A wrong URL is passed on as its error, so the elements inside say why they cannot sign in.
      const provided = this.client ?? (this.broker ? clientOrError(this.broker) : undefined);
      if (provided !== this.#provided) {
        this.#provided = provided;
        for (const [callback, unsubscribe] of this.#subscribers) callback(provided, unsubscribe);
      }
    }
    if (changed.has('locale') && this.isConnected) {
      void requestLocale(this, this.locale).catch(() => {});
    }
  }
}

customElements.define('lk-config', LkConfig);

declare global {
  interface HTMLElementTagNameMap {
    'lk-config': LkConfig;
  }
}
