import { z } from 'zod';
import { PASSKEY_NAME_MAX_LENGTH, type PasskeyAssertionJSON, type PasskeyRegistrationJSON, type PasskeyRegistrationRequest, type PasskeyRenameRequest, type PasskeyReviewRemoveRequest, type PasskeySignInOptionsRequest, type PasskeySignInRequest, type SignUpPasskeyOptionsRequest } from '@latchkey/client';
import { flowIdField, returnToField } from '../email/schema.js';

/**
 * Limits on what a browser sends back, each well above any real authenticator's and far
 * below the 16 KiB body limit: a credential id is at most 1023 bytes (WebAuthn §4), a user
 * handle 64, an ES256 or Ed25519 signature under 100, an RSA-4096 one 512. An attestation
 * object with a certificate chain (`direct` attestation) runs to a few kilobytes.
 */
const MAX = {
  credentialId: 1366,
  clientDataJSON: 4096,
  attestationObject: 12_000,
  authenticatorData: 4096,
  signature: 1024,
  userHandle: 88,
  publicKey: 2048,
} as const;

/** Unpadded base64url, as `PublicKeyCredential.toJSON()` writes it. */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'Must be base64url');

/** Browsers add transports and fields over time: unknown ones are dropped, not refused. */
const transportsField = z.array(z.string().max(32)).max(10);
const attachmentField = z.string().max(32).nullish();
const extensionResultsField = z.record(z.string().max(64), z.unknown()).default({});

/** `RegistrationResponseJSON`: what `navigator.credentials.create()` gives, as JSON. */
export const registrationCredentialField = z.object({
  id: base64url(MAX.credentialId),
  rawId: base64url(MAX.credentialId),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(MAX.clientDataJSON),
    attestationObject: base64url(MAX.attestationObject),
    authenticatorData: base64url(MAX.authenticatorData).optional(),
    transports: transportsField.optional(),
    publicKeyAlgorithm: z.int().optional(),
    publicKey: base64url(MAX.publicKey).optional(),
  }),
  authenticatorAttachment: attachmentField,
  clientExtensionResults: extensionResultsField,
});

/** `AuthenticationResponseJSON`: what `navigator.credentials.get()` gives, as JSON. */
export const assertionCredentialField = z.object({
  id: base64url(MAX.credentialId),
  rawId: base64url(MAX.credentialId),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(MAX.clientDataJSON),
    authenticatorData: base64url(MAX.authenticatorData),
    signature: base64url(MAX.signature),
    userHandle: base64url(MAX.userHandle).nullish(),
  }),
  authenticatorAttachment: attachmentField,
  clientExtensionResults: extensionResultsField,
});

export type RegistrationCredential = z.output<typeof registrationCredentialField>;
export type AssertionCredential = z.output<typeof assertionCredentialField>;

const passkeyNameField = z.string().trim().min(1, 'Give it a name').max(PASSKEY_NAME_MAX_LENGTH);

export const passkeySignInOptionsSchema = z.strictObject({ return_to: returnToField });
export const passkeySignInSchema = z.strictObject({ flow_id: flowIdField, credential: assertionCredentialField });
export const signUpPasskeyOptionsSchema = z.strictObject({ flow_id: flowIdField });
export const passkeyRegistrationSchema = z.strictObject({ flow_id: flowIdField, credential: registrationCredentialField, name: passkeyNameField.optional() });
export const passkeyRenameSchema = z.strictObject({ name: passkeyNameField });
/** A passkey id in a path (`pk_` and 22 base64url characters); anything else is not found. */
export const passkeyIdParam = /^pk_[\w-]{1,60}$/;
/** The passkeys to remove through a review; an id of another shape could never be listed, so it is bad input. */
export const passkeyReviewRemoveSchema = z.strictObject({
  flow_id: flowIdField,
  passkey_ids: z.array(z.string().regex(passkeyIdParam, 'Not a passkey id')).min(1).max(100),
});

// The schemas accept every request the client's wire types describe (a compile-time check).
type Accepts<Schema extends z.ZodType, Wire> = Wire extends z.input<Schema> ? true : never;
const accepted: [
  Accepts<typeof passkeySignInOptionsSchema, PasskeySignInOptionsRequest>,
  Accepts<typeof passkeySignInSchema, PasskeySignInRequest>,
  Accepts<typeof signUpPasskeyOptionsSchema, SignUpPasskeyOptionsRequest>,
  Accepts<typeof passkeyRegistrationSchema, PasskeyRegistrationRequest>,
  Accepts<typeof passkeyRenameSchema, PasskeyRenameRequest>,
  Accepts<typeof passkeyReviewRemoveSchema, PasskeyReviewRemoveRequest>,
  Accepts<typeof registrationCredentialField, PasskeyRegistrationJSON>,
  Accepts<typeof assertionCredentialField, PasskeyAssertionJSON>,
] = [true, true, true, true, true, true, true, true];
void accepted;
