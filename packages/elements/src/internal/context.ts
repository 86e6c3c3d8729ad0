import { createContext } from '@lit/context';
import type { LatchkeyClient } from '@latchkey/client';

/** The client `<lk-config>` provides to every Latchkey element inside it. */
export const clientContext = createContext<LatchkeyClient | undefined>(Symbol.for('latchkey-client'));
