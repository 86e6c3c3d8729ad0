import { createContext } from '@lit/context';
import type { SessionClient, LatchkeyError } from '@latchkey/client';

/**
 * The client `<lk-config>` provides to every Latchkey element inside it, or
 * the `not_configured` error of its `broker` attribute, so the elements can
 * say why they have none.
 */
export const clientContext = createContext<SessionClient | LatchkeyError | undefined>(Symbol.for('latchkey-client'));
