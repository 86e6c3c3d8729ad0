import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { LIMITS } from '@latchkey/client';
import { ProblemError } from '../../http/problem.js';

/**
 * The most common passwords of at least the minimum length, lower-cased, one per line:
 * 17,950 entries, which with the length rule refuses all of the 49,233 most frequent
 * passwords of Xato's 10-million-password corpus as ranked by zxcvbn
 * (`@zxcvbn-ts/language-common`, MIT; notice in common-passwords.LICENSE.txt; rebuilt by
 * packages/broker/scripts/build-common-passwords.mjs). 75 kB brotli, 168 kB as text.
 */
const COMMON_PASSWORDS_FILE = new URL('./common-passwords.txt.br', import.meta.url);

let common: Set<string> | undefined;

/**
 * The list as a Set, decompressed on the first password check rather than at import,
 * so start-up and routes that never take a new password pay nothing (a few ms, once).
 */
export function commonPasswords(): Set<string> {
  return (common ??= new Set(brotliDecompressSync(readFileSync(COMMON_PASSWORDS_FILE)).toString('utf8').split('\n').filter(Boolean)));
}

/**
 * Refuses passwords that are too short, too common, or the address itself (NIST SP 800-63B
 * §5.1.1.2). Length counts code points, not UTF-16 units, so four emoji are four characters.
 * The comparison is case-insensitive and NFKC-normalized (`ＰＡＳＳＷＯＲＤ１` is `password1`).
 *
 * @example
 * checkPasswordStrength('correct horse battery staple', 'ada@example.com'); // passes
 * checkPasswordStrength('trustno1', 'ada@example.com'); // throws ProblemError('weak_password')
 */
export function checkPasswordStrength(password: string, email: string): void {
  const folded = password.normalize('NFKC').toLowerCase();
  const address = email.toLowerCase();
  const reason =
    [...password].length < LIMITS.passwordMinLength
      ? `Use at least ${LIMITS.passwordMinLength} characters`
      : commonPasswords().has(folded) || folded === address || folded === address.split('@')[0]
        ? 'This password is too easy to guess'
        : undefined;
  if (reason) throw new ProblemError('weak_password', { errors: [{ path: 'password', message: reason }] });
}
