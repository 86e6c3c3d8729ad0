import { LIMITS } from '@latchkey/client';
import { ProblemError } from '../../http/problem.js';

/** A few of the passwords every breach list starts with; long enough to pass a length rule. */
const COMMON = new Set(['password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyuiop', 'iloveyou', 'letmein123', 'qwerty123', '11111111', '00000000', 'abcd1234', 'sunshine']);

/** Refuses passwords that are too short, too common, or the address itself (NIST SP 800-63B §5.1.1.2). */
export function checkPasswordStrength(password: string, email: string): void {
  const lower = password.toLowerCase();
  const reason =
    password.length < LIMITS.passwordMinLength
      ? `Use at least ${LIMITS.passwordMinLength} characters`
      : COMMON.has(lower) || lower === email || lower === email.split('@')[0]
        ? 'This password is too easy to guess'
        : undefined;
  if (reason) throw new ProblemError('weak_password', { errors: [{ path: 'password', message: reason }] });
}
