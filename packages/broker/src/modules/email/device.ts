import { parseUserAgent } from '../sessions/user-agent.js';

/**
 * A short description of the device a request came from ("Chrome on macOS"),
 * for the notices that tell an account's owner what was done and from where.
 * Only fixed names ever come out (see `parseUserAgent`).
 *
 * @example
 * describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'); // 'Chrome on macOS'
 * describeDevice('curl/8.5.0'); // 'an unknown browser'
 * describeDevice(null); // 'an unknown browser'
 */
export function describeDevice(userAgent: string | null): string {
  const { browser, system } = parseUserAgent(userAgent);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `a browser on ${system}`;
  return 'an unknown browser';
}
