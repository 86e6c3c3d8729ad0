import { ContextRoot, createContext } from '@lit/context';
import type { LatchkeyClient, LatchkeyError } from '@latchkey/client';

/**
 * The client `<lk-config>` provides to every Latchkey element inside it, or
 * the `not_configured` error of its `broker` attribute, so the elements can
 * say why they have none.
 */
export const clientContext = createContext<LatchkeyClient | LatchkeyError | undefined>(Symbol.for('latchkey-client'));

// Elements may upgrade before the <lk-config> around them does (definition
// order, lazy loading). A ContextRoot replays their requests once it arrives.
const marker = Symbol.for('latchkey-context-root');
const root = globalThis as { [marker]?: true };
if (typeof document !== 'undefined' && !root[marker]) {
  root[marker] = true;
  new ContextRoot().attach(document.documentElement);
}
