import { domainToUnicode } from 'node:url';

/** One DNS label: letters, digits and inner hyphens, 1 to 63 characters (RFC 1123). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An email domain as organizations claim it, or why it cannot be one. Claimed domains
 * are stored and compared as lower-case ASCII, an international domain in its punycode
 * (`xn--`) form: only ASCII letters are case-folded, never with Unicode mappings, so a
 * Kelvin sign (U+212A) never becomes `k` and two different domains never compare equal.
 * Refused: anything not ASCII (send the punycode form), wildcards, a single label
 * (`localhost`, `com`), a trailing dot, an IP address, a punycode label that does not decode.
 *
 * @example
 * normalizeDomain('Acme.TEST'); // { domain: 'acme.test' }
 * normalizeDomain('*.acme.test'); // { problem: 'a wildcard is not a domain; claim each domain itself' }
 */
export function normalizeDomain(input: string): { domain: string } | { problem: string } {
  const trimmed = input.trim();
  if (!/^[\x21-\x7e]+$/.test(trimmed)) return { problem: 'not an ASCII domain name: send an international domain in its punycode form (xn--…)' };
  const domain = trimmed.toLowerCase();
  if (domain.includes('*')) return { problem: 'a wildcard is not a domain; claim each domain itself' };
  if (domain.length > 253) return { problem: 'longer than 253 characters' };
  const labels = domain.split('.');
  if (labels.length < 2) return { problem: 'needs at least two labels (acme.test), a single label is not an email domain' };
  if (!labels.every((label) => LABEL.test(label))) return { problem: 'not a domain name: labels of letters, digits and inner hyphens, separated by single dots' };
  if (/^\d+$/.test(labels.at(-1)!)) return { problem: 'an IP address is not a domain' };
  // A punycode label must decode (node answers '' for one that does not).
  if (labels.some((label) => label.startsWith('xn--')) && domainToUnicode(domain) === '') return { problem: 'holds a punycode label that does not decode' };
  return { domain };
}

/**
 * The domain of an email address as home-realm discovery looks it up (the part after
 * the last `@`), lower-cased for ASCII only; undefined when it cannot be a claimed domain.
 *
 * @example
 * emailDomain('Ana@Acme.test'); // 'acme.test'
 */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 0) return undefined;
  const result = normalizeDomain(email.slice(at + 1));
  return 'domain' in result ? result.domain : undefined;
}
