import { z } from 'zod';
import type { MfaEnrollRequest, MfaPasskeyOptionsRequest, MfaVerifyRequest, TotpConfirmRequest } from '@latchkey/client';
import { flowIdField } from '../email/schema.js';

/** Six digits; spaces are dropped (apps show `123 456`). */
const totpCodeField = z
  .string()
  .max(16)
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'The code is six digits'));

/** A recovery code as typed: `xxxxx-xxxxx`, in any case, with spaces or dashes anywhere. */
const recoveryCodeField = z.string().min(1).max(32);

export const mfaVerifySchema = z.discriminatedUnion('method', [
  z.strictObject({ flow_id: flowIdField, method: z.literal('totp'), code: totpCodeField }),
  z.strictObject({ flow_id: flowIdField, method: z.literal('recovery-code'), code: recoveryCodeField }),
]);
/** POST /v1/sign-in/mfa/passkey/options: the pending sign-in whose step a passkey answers. */
export const mfaPasskeyOptionsSchema = z.strictObject({ flow_id: flowIdField });
/** POST /v1/sign-in/mfa/enroll: the pending sign-in and the new app's first code. */
export const mfaEnrollSchema = z.strictObject({ flow_id: flowIdField, code: totpCodeField });
export const totpConfirmSchema = z.strictObject({ enrollment_id: flowIdField, code: totpCodeField });
/** The calls that take no input still take a JSON object, and nothing in it. */
export const emptySchema = z.strictObject({});
/** A factor id in a path (`totp_` and 22 base64url characters); anything else is not found. */
export const totpIdParam = /^totp_[\w-]{1,60}$/;

// The schemas accept every request the client's wire types describe (a compile-time check).
type Accepts<Schema extends z.ZodType, Wire> = Wire extends z.input<Schema> ? true : never;
const accepted: [
  Accepts<typeof mfaVerifySchema, MfaVerifyRequest>,
  Accepts<typeof totpConfirmSchema, TotpConfirmRequest>,
  Accepts<typeof mfaEnrollSchema, MfaEnrollRequest>,
  Accepts<typeof mfaPasskeyOptionsSchema, MfaPasskeyOptionsRequest>,
] = [true, true, true, true];
void accepted;
