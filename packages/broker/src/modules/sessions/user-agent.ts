/**
 * The browser and operating system a User-Agent header names, from two short
 * lists of fixed names ("Chrome", "macOS"). Our own function rather than a
 * parser package (ua-parser-js and the like carry hundreds of patterns, and
 * newer versions an AGPL licence): the account page and the notices need a
 * rough "Chrome on macOS", and only names from these lists ever come out —
 * the header is whatever the client sent, an attacker's included, so none of
 * it is echoed into a page or a mail. Order matters: Edge, Opera and Samsung
 * Internet also say "Chrome", and Chrome also says "Safari".
 */

const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\biPad\b/, 'iPadOS'],
  [/\b(iPhone|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

const first = (list: ReadonlyArray<readonly [RegExp, string]>, text: string) => list.find(([pattern]) => pattern.test(text))?.[1] ?? null;

/** What `parseUserAgent` finds: each a fixed name, or null when the header names none. */
export interface UserAgentNames {
  browser: string | null;
  /** The operating system, which is what the account page shows as the device. */
  system: string | null;
}

/**
 * @example
 * parseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'); // { browser: 'Chrome', system: 'macOS' }
 * parseUserAgent('curl/8.5.0'); // { browser: null, system: null }
 */
export function parseUserAgent(userAgent: string | null): UserAgentNames {
  // Browsers send a few hundred characters; the broker already cut the header at 512.
  const text = (userAgent ?? '').slice(0, 512);
  return { browser: first(BROWSERS, text), system: first(SYSTEMS, text) };
}
