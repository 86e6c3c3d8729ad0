import { z } from 'zod';
import { LIMITS } from '@latchkey/client';

/**
 * The one email normalization, for typed addresses and IdP-asserted ones alike:
 * NFC, trimmed, ASCII letters lower-cased. Never `toLowerCase()` on the whole
 * string nor NFKC: both fold compatibility characters (the Kelvin sign U+212A
 * lower-cases to ASCII `k`), so a look-alike address would reach another account.
 */
export const normalizeEmail = (raw: string) => raw.normalize('NFC').trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

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
