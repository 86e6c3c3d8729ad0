import type { Context } from '@lit/context';
import type { SessionClient, LatchkeyError } from '@latchkey/client';

/** What `<lk-config>` provides: its client, the `not_configured` error of its `broker` attribute, or nothing yet. */
export type ProvidedClient = SessionClient | LatchkeyError | undefined;

/**
 * The client `<lk-config>` provides to every Latchkey element inside it, or
 * the `not_configured` error of its `broker` attribute, so the elements can
 * say why they have none. (`createContext` only types the key: a plain cast
 * keeps @lit/context's runtime out of the elements that consume it.)
 */
export const clientContext = Symbol.for('latchkey-client') as Context<symbol, ProvidedClient>;

/** Called with the provided client now and with each new one; `unsubscribe` stops the calls. */
export type ClientCallback = (client: ProvidedClient, unsubscribe?: () => void) => void;

/**
 * Asks the nearest `<lk-config>` (its `ContextProvider`) for its client and
 * every later one: the context protocol's `context-request` event, as
 * `@lit/context`'s `ContextConsumer` sends it with `subscribe: true`. Written
 * out here because a consumer needs only this event (the controller and the
 * event class cost lk-sign-in's first screen about 0.4 kB gzip). `callback`
 * must keep its identity across requests: the provider keeps one
 * subscription per callback.
 */
/** The `context-request` event of the client's context, as `requestClient` sends it. */
export type ClientRequest = Event & { context: typeof clientContext; contextTarget: Element; callback: ClientCallback; subscribe?: boolean };

export function requestClient(host: HTMLElement, callback: ClientCallback): void {
  const request = Object.assign(new Event('context-request', { bubbles: true, composed: true }), { context: clientContext, contextTarget: host, callback, subscribe: true });
  host.dispatchEvent(request);
}
