import { z } from 'zod';
import { LIMITS } from '@latchkey/client';

/** Emails are compared trimmed and lower-cased everywhere. */
export const emailField = z
  .string()
  .trim()
  .max(LIMITS.emailMaxLength)
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }));

export const codeField = z.string().regex(/^\d{6}$/, 'The code is six digits');
export const flowIdField = z.string().min(1).max(64);
export const returnToField = z.string().max(LIMITS.returnToMaxLength).optional();

export const verifyCodeSchema = z.strictObject({ flow_id: flowIdField, code: codeField });
export const resendCodeSchema = z.strictObject({ flow_id: flowIdField });
