import { LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ContextProvider } from '@lit/context';
import type { LatchkeyClient } from '@latchkey/client';
import { clientOrError } from '../internal/clients.js';
import { clientContext } from '../internal/context.js';

/**
 * @summary Gives every Latchkey element inside it one broker client (and so one session).
 *
 * @slot - The page content that holds Latchkey elements.
 *
 * @example
 * <lk-config broker="https://auth.example.com"> … <lk-sign-in></lk-sign-in> … </lk-config>
 */
@customElement('lk-config')
export class LkConfig extends LitElement {
  /** URL of the broker. */
  @property() broker?: string;

  /** A ready client instead of `broker` (tests, stories, or a client the page made itself). */
  @property({ attribute: false }) client?: LatchkeyClient;

  private readonly provider = new ContextProvider(this, { context: clientContext });

  protected override createRenderRoot() {
    // No shadow root of its own: it is a wrapper and must not change the page's layout or styles.
    return this;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('broker') || changed.has('client')) {
      // A wrong URL is passed on as its error, so the elements inside say why they cannot sign in.
      this.provider.setValue(this.client ?? (this.broker ? clientOrError(this.broker) : undefined));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lk-config': LkConfig;
  }
}
