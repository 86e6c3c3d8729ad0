import { createSessionClient, LatchkeyError, type SessionClient } from '@latchkey/client';

// One client per broker URL per page, so every element shares one session store.
const byUrl = new Map<string, SessionClient>();
let pageDefault: SessionClient | undefined;

/**
 * The shared client for a broker URL.
 *
 * @throws {LatchkeyError} `not_configured` when `url` cannot be a broker's URL.
 */
export function clientFor(url: string): SessionClient {
  const key = url.replace(/\/+$/, '');
  let client = byUrl.get(key);
  if (!client) byUrl.set(key, (client = createSessionClient({ url: key || '/' })));
  return client;
}

/** Like `clientFor`, for markup (`broker` attributes): a wrong URL is an answer to show, not a crash. */
export function clientOrError(url: string): SessionClient | LatchkeyError {
  try {
    return clientFor(url);
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
}

/**
 * Page-wide default for elements with no `<lk-config>` around them and no `broker` attribute.
 *
 * @throws {LatchkeyError} `not_configured` when `broker` cannot be a broker's URL.
 *
 * @example
 * import { configure } from '@latchkey/elements';
 * configure({ broker: 'https://auth.example.com' });
 */
export function configure(options: { broker: string } | { client: SessionClient }): SessionClient {
  pageDefault = 'client' in options ? options.client : clientFor(options.broker);
  for (const listener of listeners) listener();
  return pageDefault;
}

const listeners = new Set<() => void>();
export const pageDefaultClient = () => pageDefault;
/** Elements re-resolve their client when `configure()` runs after they rendered. */
export function onConfigure(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
