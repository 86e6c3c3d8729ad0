import type { MatchExtended, ZxcvbnFactory } from '@zxcvbn-ts/core';
import { LIMITS, type WeakPasswordReason } from '@latchkey/client';
import { ProblemError } from '../../http/problem.js';

/**
 * The zxcvbn score a new password must reach. 3 means at least 10^8 guesses: "safely
 * unguessable" for an online attacker held back by rate limits, the threat NIST SP 800-63B
 * §5.1.1.2 sizes the blocklist for (a leaked argon2id hash is slowed by the hash itself).
 */
export const MIN_SCORE = 3;

/**
 * How much of a password zxcvbn looks at, in code points. Its matching multiplies: every
 * l33t reading of the whole password runs every dictionary over every substring, so a
 * 256-character string of digits and symbols took seconds (measured: 7–13 s at zxcvbn-ts's
 * default of 256, 1.3 s at the 100 its authors suggest, 40 ms at 32). Any 32 characters
 * that reach 10^8 guesses need no more; a longer password is judged by its start.
 */
export const ANALYSED_LENGTH = 32;

/**
 * l33t readings zxcvbn tries per password (its default is 100). Measured on 400 l33t
 * variants of common passwords (`P@55w0rd!`, `H0undd091`): 10 still refuses 95 % of them
 * (100 refuses 99.5 %) at a fifth of the time.
 */
const L33T_READINGS = 10;

/** What a new password is judged against besides the dictionaries. */
export interface PasswordContext {
  /** Words that name the service (`passwords.contextWords`). */
  serviceWords: readonly string[];
  email: string;
  /** The user's name, where the flow knows it. */
  name?: string | null;
}

/** The English text that goes with each reason (elements show their own). */
const MESSAGES: Record<WeakPasswordReason, string> = {
  too_short: `Use at least ${LIMITS.passwordMinLength} characters`,
  common: 'This is a common password, or too close to one',
  pattern: 'Repeated characters, sequences and keyboard runs are easy to guess',
  personal: 'Do not build the password from the name of this service, your name or your email address',
  guessable: 'This password is too easy to guess',
};

let loading: Promise<ZxcvbnFactory> | undefined;

/**
 * zxcvbn and its dictionaries (about 7 MB unpacked), imported on the first password check
 * rather than at start-up: a broker that never takes a new password never loads them.
 * Parallel first checks share one load; a failed load is tried again by the next check.
 */
function loadZxcvbn(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        l33tMaxSubstitutions: L33T_READINGS,
        maxLength: ANALYSED_LENGTH * 2, // UTF-16 units; the code points are cut before
      }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * The words of `context` zxcvbn treats as known to the attacker: the service's words, the
 * address, its local part and the pieces of it, the domain's labels but the last (a TLD
 * says nothing), and the name, whole, without spaces and word by word. Shorter than 3
 * characters they would only match inside good passwords.
 *
 * @example
 * contextWords({ serviceWords: ['latchkey'], email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
 * // ['latchkey', 'ada.lovelace@example.com', 'ada.lovelace', 'ada', 'lovelace', 'example', 'ada lovelace', 'adalovelace']
 */
export function contextWords(context: PasswordContext): string[] {
  const email = fold(context.email);
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const name = fold(context.name ?? '').trim();
  const words = [
    ...context.serviceWords.map(fold),
    email,
    local,
    ...local.split(/[._+-]+/),
    ...email.slice(at + 1).split('.').slice(0, -1),
    name,
    name.replace(/\s+/g, ''),
    ...name.split(/[\s.,'’-]+/),
  ];
  return [...new Set(words.filter((word) => [...word].length >= 3))];
}

/** What one part of zxcvbn's cheapest reading of the password says about it, if anything. */
function reasonOfMatch(match: MatchExtended): WeakPasswordReason | undefined {
  if (match.pattern === 'dictionary') return match.dictionaryName === 'userInputs' ? 'personal' : 'common';
  return ['repeat', 'sequence', 'spatial', 'date', 'regex', 'wordSequence'].includes(match.pattern) ? 'pattern' : undefined;
}

/**
 * Why a password zxcvbn scored too low is weak, from the parts of its cheapest reading:
 * the user's own words first (the most specific advice), then a common password or word,
 * then a pattern. `87654321` is `common`: zxcvbn finds it on the password list before it
 * sees the sequence, and that is what it is.
 */
function reasonOf(sequence: readonly MatchExtended[]): WeakPasswordReason {
  const found = new Set(sequence.map(reasonOfMatch));
  return (['personal', 'common', 'pattern'] as const).find((reason) => found.has(reason)) ?? 'guessable';
}

/**
 * Why `password` may not be a new password, or undefined when it may: shorter than the
 * minimum (code points, so four emoji are four), or a zxcvbn score under `MIN_SCORE` with
 * the service's words, the address and the name as known words (NIST SP 800-63B §5.1.1.2:
 * common, expected or compromised values, context-specific words). zxcvbn sees the first
 * `ANALYSED_LENGTH` code points after NFKC (`ＰＡＳＳＷＯＲＤ１` is `PASSWORD1`); it
 * weighs case itself.
 *
 * @example
 * await passwordWeakness('Passw0rd!', { serviceWords: ['latchkey'], email: 'ada@example.com' }); // 'common'
 */
export async function passwordWeakness(password: string, context: PasswordContext): Promise<WeakPasswordReason | undefined> {
  if ([...password].length < LIMITS.passwordMinLength) return 'too_short';
  const zxcvbn = await loadZxcvbn();
  const analysed = [...password.normalize('NFKC')].slice(0, ANALYSED_LENGTH).join('');
  const result = zxcvbn.check(analysed, contextWords(context));
  return result.score < MIN_SCORE ? reasonOf(result.sequence) : undefined;
}

/**
 * Refuses a new password `passwordWeakness` finds weak with `400 weak_password`, its reason
 * and English text in the `password` field's error.
 *
 * @example
 * await checkPasswordStrength('correct horse battery staple', { serviceWords: ['latchkey'], email: 'ada@example.com' }); // passes
 * await checkPasswordStrength('latchkey2024', { serviceWords: ['latchkey'], email: 'ada@example.com' }); // throws weak_password, reason personal
 */
export async function checkPasswordStrength(password: string, context: PasswordContext): Promise<void> {
  const reason = await passwordWeakness(password, context);
  if (reason) throw new ProblemError('weak_password', { errors: [{ path: 'password', message: MESSAGES[reason], reason }] });
}
