import { z } from 'zod';
import { LIMITS } from '@latchkey/client';
import { codeField, emailField, flowIdField, returnToField } from '../email/schema.js';

/** Length is checked twice on purpose: too long is bad input (400 invalid_request), too short is weak_password. */
export const newPasswordField = z.string().max(LIMITS.passwordMaxLength);
export const currentPasswordField = z.string().min(1).max(LIMITS.passwordMaxLength);

/** A sign-up with a password; without passkeys it is the only kind. */
export const signUpSchema = z.strictObject({
  email: emailField,
  password: newPasswordField,
  name: z.string().trim().max(LIMITS.nameMaxLength).optional(),
  return_to: returnToField,
});

/** Where passkeys are offered, a sign-up without a password is passkey-first. */
export const signUpWithPasskeysSchema = signUpSchema.extend({ password: newPasswordField.optional() });

export const passwordSignInSchema = z.strictObject({ email: emailField, password: currentPasswordField, return_to: returnToField });
export const passwordResetStartSchema = z.strictObject({ email: emailField });
export const passwordResetFinishSchema = z.strictObject({ flow_id: flowIdField, code: codeField, password: newPasswordField });
