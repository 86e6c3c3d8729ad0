import { resolveTxt as nodeResolveTxt } from 'node:dns/promises';

/**
 * Domain verification by a DNS TXT record (issue 24 §2): an organization proves
 * it controls a domain by publishing `latchkey-verification=<token>` at
 * `_latchkey-verification.<domain>`. The token is random per claim, so a record
 * published for one claim never verifies another (a domain released and claimed
 * again gets a new one). A name of its own keeps the record apart from the
 * domain's SPF and other TXT records at its apex.
 */

export const TXT_RECORD_PREFIX = '_latchkey-verification';
export const TXT_VALUE_PREFIX = 'latchkey-verification=';

/** The record an organization publishes to verify `domain`. */
export const txtRecordOf = (domain: string, token: string) => ({ name: `${TXT_RECORD_PREFIX}.${domain}`, value: `${TXT_VALUE_PREFIX}${token}` });

/** Node's resolver: each TXT record as its character-strings (RFC 1035 §3.3.14). */
export const systemResolveTxt = (name: string) => nodeResolveTxt(name);

/**
 * `resolve` bounded by `timeoutMs`: a lookup that takes longer rejects, so a slow
 * name server never holds a request open.
 *
 * @example
 * const resolveTxt = boundedResolveTxt(systemResolveTxt, 5_000);
 */
export function boundedResolveTxt(resolve: (name: string) => Promise<string[][]>, timeoutMs: number): (name: string) => Promise<string[][]> {
  return (name) =>
    new Promise<string[][]>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`TXT lookup of ${name} timed out after ${timeoutMs} ms`)), timeoutMs);
      timer.unref?.();
      resolve(name).then(
        (records) => (clearTimeout(timer), done(records)),
        (error: unknown) => (clearTimeout(timer), fail(error)),
      );
    });
}

/**
 * Whether `domain`'s verification record holds `token` now. A record's
 * character-strings are joined (a long value may be split in 255-byte pieces);
 * surrounding white space is ignored, case is not (the token is case-sensitive).
 * Any failure of the lookup (no such name, no record, a timeout) is a no: the
 * caller answers `domain_unverified`, and the user may try again.
 */
export async function txtRecordHolds(resolve: (name: string) => Promise<string[][]>, domain: string, token: string): Promise<boolean> {
  const { name, value } = txtRecordOf(domain, token);
  let records: string[][];
  try {
    records = await resolve(name);
  } catch {
    return false;
  }
  return Array.isArray(records) && records.some((strings) => Array.isArray(strings) && strings.join('').trim() === value);
}
