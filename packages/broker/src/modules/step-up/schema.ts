import { z } from 'zod';
import type { StepUpCodeRequest, StepUpEmailCodeRequest, StepUpPasskeyRequest, StepUpPasswordRequest } from '@latchkey/client';
import { codeField, flowIdField } from '../email/schema.js';
import { mfaVerifySchema } from '../mfa/schema.js';
import { passkeySignInSchema } from '../passkeys/schema.js';
import { currentPasswordField } from '../password/schema.js';

export const stepUpPasswordSchema = z.strictObject({ flow_id: flowIdField, password: currentPasswordField });
/** An authenticator-app or recovery code: the shape of the sign-in's MFA answer. */
export const stepUpCodeSchema = mfaVerifySchema;
/** The passkey step's ceremony id and the assertion, as at sign-in. */
export const stepUpPasskeySchema = passkeySignInSchema;
export const stepUpEmailCodeSchema = z.strictObject({ flow_id: flowIdField, code: codeField });

// The schemas accept every request the client's wire types describe (a compile-time check).
type Accepts<Schema extends z.ZodType, Wire> = Wire extends z.input<Schema> ? true : never;
const accepted: [
  Accepts<typeof stepUpPasswordSchema, StepUpPasswordRequest>,
  Accepts<typeof stepUpCodeSchema, StepUpCodeRequest>,
  Accepts<typeof stepUpPasskeySchema, StepUpPasskeyRequest>,
  Accepts<typeof stepUpEmailCodeSchema, StepUpEmailCodeRequest>,
] = [true, true, true, true];
void accepted;
