/**
 * A short description of the device a request came from ("Chrome on macOS"),
 * for the notices that tell an account's owner what was done and from where.
 * Only names from the two lists below ever come out: the User-Agent header is
 * whatever the client sent (an attacker's included), so none of it is echoed
 * into a mail. Order matters: Edge, Opera and Samsung Internet also say
 * "Chrome", and Chrome also says "Safari".
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

const first = (list: ReadonlyArray<readonly [RegExp, string]>, text: string) => list.find(([pattern]) => pattern.test(text))?.[1];

/**
 * @example
 * describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'); // 'Chrome on macOS'
 * describeDevice('curl/8.5.0'); // 'an unknown browser'
 * describeDevice(null); // 'an unknown browser'
 */
export function describeDevice(userAgent: string | null): string {
  // Browsers send a few hundred characters; the broker already cut the header at 512.
  const text = (userAgent ?? '').slice(0, 512);
  const browser = first(BROWSERS, text);
  const system = first(SYSTEMS, text);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `a browser on ${system}`;
  return 'an unknown browser';
}
