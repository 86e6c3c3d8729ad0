import type { WeakPasswordReason } from '@latchkey/client';

/**
 * The broker's password rule in small, for the in-memory broker: zxcvbn and its dictionaries
 * (megabytes) stay out of the browser. It agrees with the broker on the contract suite's
 * cases and on the stories' passwords, and is more lenient than the broker everywhere else:
 * a password the fake refuses, the broker refuses for the same reason, not the reverse.
 */

/** The broker's default `passwords.contextWords`. */
const SERVICE_WORDS = ['latchkey'];

/** Well-known passwords, with the digits and symbols around them taken off. */
const COMMON_WORDS = new Set(['password', 'passwort', 'qwerty', 'qwertz', 'letmein', 'iloveyou', 'welcome', 'football', 'baseball', 'sunshine', 'princess', 'monkey', 'dragon', 'admin']);
/** Well-known passwords without a letter, as typed. */
const COMMON_WHOLE = new Set(['12345678', '123456789', '1234567890', '87654321', '11111111', '00000000', '12341234', '1q2w3e4r', '1qaz2wsx']);
/** The l33t spellings zxcvbn reads back first. */
const L33T: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

const REASON_MESSAGES: Record<WeakPasswordReason, string> = {
  too_short: 'Use at least 8 characters',
  common: 'This is a common password, or too close to one',
  pattern: 'Repeated characters, sequences and keyboard runs are easy to guess',
  personal: 'Do not build the password from the name of this service, your name or your email address',
  guessable: 'This password is too easy to guess',
};

/** As the broker's `contextWords`: the service's words, the address, its parts and the name's, 3 characters or more. */
function contextWords(email: string, name: string | null | undefined): string[] {
  const [local = '', domain = ''] = email.split('@');
  const folded = (name ?? '').normalize('NFKC').toLowerCase().trim();
  const words = [...SERVICE_WORDS, email, local, ...local.split(/[._+-]+/), ...domain.split('.').slice(0, -1), folded, folded.replace(/\s+/g, ''), ...folded.split(/[\s.,'’-]+/)];
  return words.filter((word) => [...word].length >= 3);
}

/** Repeats one piece (`aaaaaaaa`, `abcabcab`) or steps one code point at a time (`abcdefgh`, `87654321`). */
function isPattern(folded: string): boolean {
  const points = [...folded].map((c) => c.codePointAt(0)!);
  const step = points[1]! - points[0]!;
  const run = Math.abs(step) === 1 && points.every((p, i) => i === 0 || p - points[i - 1]! === step);
  return run || /^(.{1,3})\1+.{0,2}$/u.test(folded);
}

/**
 * Why the broker would refuse `password` as a new password, or undefined when the fake lets
 * it through (the real broker may still refuse it).
 *
 * @example
 * weakPasswordReason('Passw0rd!', 'ada@example.com'); // 'common'
 */
export function weakPasswordReason(password: string, email: string, name?: string | null): WeakPasswordReason | undefined {
  if ([...password].length < 8) return 'too_short';
  const folded = password.normalize('NFKC').toLowerCase();
  // The letters at its heart, l33t read back: `Passw0rd!` is `password`, `latchkey2024` is `latchkey`.
  const core = folded.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '').replace(/[013457@$]/g, (c) => L33T[c]!);
  if (contextWords(email, name).some((word) => core === word || (core.includes(word) && core.length - word.length <= 4))) return 'personal';
  if (COMMON_WHOLE.has(folded) || COMMON_WORDS.has(core)) return 'common';
  if (isPattern(folded)) return 'pattern';
  return undefined;
}

/** The `errors` entry the broker sends with `weak_password`. */
export function weakPasswordError(reason: WeakPasswordReason) {
  return { path: 'password', message: REASON_MESSAGES[reason], reason };
}
