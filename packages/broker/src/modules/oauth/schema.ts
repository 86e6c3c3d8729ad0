import { z } from 'zod';
import { LIMITS } from '@latchkey/client';
import { returnToField } from '../email/schema.js';

const providerField = z.string().min(1).max(64);
const resumeUrlField = z.string().max(LIMITS.returnToMaxLength).optional();

/** POST /v1/sign-in/social (SocialSignInRequest) */
export const socialSignInSchema = z.strictObject({ provider: providerField, resume_url: resumeUrlField, return_to: returnToField });
/** POST /v1/identities/connect (ConnectAccountRequest) */
export const connectAccountSchema = z.strictObject({ provider: providerField, resume_url: resumeUrlField });
/** An identity id from the path. */
export const identityIdParam = /^idn_[\w-]{22}$/;
