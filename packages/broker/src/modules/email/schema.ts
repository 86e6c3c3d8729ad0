import { z } from 'zod';
import { LIMITS } from '@latchkey/client';

/**
 * The one email normalization, for typed addresses and IdP-asserted ones alike:
 * trimmed, ASCII letters lower-cased, nothing else. No Unicode normalization and
 * no `toLowerCase()` on the whole string: each folds the Kelvin sign U+212A into
 * ASCII `k` (`toLowerCase` directly, NFKC as a compatibility character, and even
 * NFC, as a canonical singleton), so a look-alike address would reach another
 * account. A non-ASCII address then fails the email shape and is refused.
 */
export const normalizeEmail = (raw: string) => raw.trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

const emailShape = z.email({ message: 'Enter a valid email address' });

/** Emails are compared normalized (`normalizeEmail`) everywhere. */
export const emailField = z.string().max(LIMITS.emailMaxLength).transform(normalizeEmail).pipe(emailShape);

/** An IdP-asserted address, normalized as typed ones are; null when it is not one the broker takes. */
export function assertedEmail(raw: string | null): string | null {
  if (raw === null || raw.length > LIMITS.emailMaxLength) return null;
  const parsed = emailShape.safeParse(normalizeEmail(raw));
  return parsed.success ? parsed.data : null;
}

export const codeField = z.string().regex(/^\d{6}$/, 'The code is six digits');
export const flowIdField = z.string().min(1).max(64);
export const returnToField = z.string().max(LIMITS.returnToMaxLength).optional();

export const verifyCodeSchema = z.strictObject({ flow_id: flowIdField, code: codeField });
export const resendCodeSchema = z.strictObject({ flow_id: flowIdField });
