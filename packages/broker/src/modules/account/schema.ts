import { z } from 'zod';
import { codeField, emailField, flowIdField } from '../email/schema.js';
import { newPasswordField } from '../password/schema.js';

/** POST /v1/password */
export const passwordChangeSchema = z.strictObject({ password: newPasswordField });
/** POST /v1/email */
export const emailChangeSchema = z.strictObject({ email: emailField });
/** POST /v1/email/verify */
export const emailChangeVerifySchema = z.strictObject({ flow_id: flowIdField, code: codeField });
/** POST /v1/sessions/revoke-others: no input. */
export const emptySchema = z.strictObject({});
