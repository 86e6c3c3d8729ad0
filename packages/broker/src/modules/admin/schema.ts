import { z } from 'zod';
import { emailField } from '../email/schema.js';

/**
 * Request schemas of the admin API (`/admin/v1/*`). Every object is strict: an
 * unknown field is a 400 naming it, so a typo (`sso_requried`) never passes as a
 * silent default. Snake case on the wire, as the rest of the broker's API.
 */

const name = z.string().trim().min(1).max(200);
/** URL-safe organization handle: lower-case letters, digits and inner hyphens. */
export const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, 1 to 64 characters');
/** A role name, free-form for the host app (`member`, `admin`, `billing:viewer`). */
export const role = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.:-]{0,63}$/, 'a lower-case name of letters, digits and _ . : -, starting with a letter, at most 64 characters');

/** Every member signs in with a second factor (one without enrols during sign-in). Off by default. */
const requireMfa = z.boolean();
export const createOrganizationSchema = z.strictObject({ name, slug: slug.optional(), require_mfa: requireMfa.default(false) });
export const updateOrganizationSchema = z
  .strictObject({ name: name.optional(), slug: slug.optional(), require_mfa: requireMfa.optional() })
  .refine((change) => change.name !== undefined || change.slug !== undefined || change.require_mfa !== undefined, 'name, slug or require_mfa: nothing to change');

export const createDomainSchema = z.strictObject({
  domain: z.string().max(300),
  /** Admin-asserted: the operator checked that the organization controls the domain. */
  verified: z.boolean().default(true),
  sso_required: z.boolean().default(false),
});
export const updateDomainSchema = z
  .strictObject({ verified: z.boolean().optional(), sso_required: z.boolean().optional() })
  .refine((change) => change.verified !== undefined || change.sso_required !== undefined, 'verified or sso_required: nothing to change');

const issuer = z.string().trim().min(1).max(2048);
const clientId = z.string().trim().min(1).max(512);
const clientSecret = z.string().min(1).max(4096);
const authMethod = z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
const privateKeyJwk = z.looseObject({ kty: z.string() });
const scopes = z
  .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token (RFC 6749 §3.3)'))
  .max(30)
  .refine((list) => new Set(list).size === list.length, 'list each scope once');

/** Trust the IdP's own MFA (off by default; see modules/orgs/idp-mfa.ts), and which asserted values count. */
const trustIdpMfa = z.boolean().optional();
const assertedValues = z.array(z.string().trim().min(1).max(512)).min(1).max(20).optional();

const oidcFields = {
  name: name.optional(),
  enabled: z.boolean().optional(),
  issuer,
  client_id: clientId,
  client_secret: clientSecret.optional(),
  token_endpoint_auth_method: authMethod.optional(),
  private_key_jwk: privateKeyJwk.optional(),
  /** Beside `openid`, which is always asked for. Default: `email profile`. */
  scopes: scopes.optional(),
  default_role: role.optional(),
  allow_linking: z.boolean().optional(),
  trust_idp_mfa: trustIdpMfa,
  /** ID token `amr` values that mean MFA (default `mfa`). */
  idp_mfa_amr: assertedValues,
  /** ID token `acr` values that mean MFA (none by default). */
  idp_mfa_acr: assertedValues,
};

/** Which credential a method takes: a client secret, or a private key (RFC 7523). */
export const credentialOf = (method: z.output<typeof authMethod>) => (method === 'private_key_jwt' ? 'private_key_jwk' : 'client_secret');

export const createOidcConnectionSchema = z.strictObject({ type: z.literal('oidc'), ...oidcFields }).superRefine((body, ctx) => {
  const method = body.token_endpoint_auth_method ?? (body.private_key_jwk ? 'private_key_jwt' : 'client_secret_basic');
  const needs = credentialOf(method);
  const other = needs === 'client_secret' ? 'private_key_jwk' : 'client_secret';
  if (body[needs] === undefined) ctx.addIssue({ code: 'custom', path: [needs], message: `required with token_endpoint_auth_method ${method}` });
  if (body[other] !== undefined) ctx.addIssue({ code: 'custom', path: [other], message: `not taken with token_endpoint_auth_method ${method}` });
});

const attributeName = z.string().trim().min(1).max(512);

/**
 * A SAML connection, in one of three shapes (DESIGN.md): `metadata_xml`, `metadata_url`
 * (fetched, bounded like every outbound call), or by hand `entity_id`, `sso_url` and
 * `certificates` (several during a rotation). Plus how attributes and groups map.
 */
/** What a SAML connection takes besides where its IdP is (create and update alike). */
const samlFields = {
  name: name.optional(),
  enabled: z.boolean().optional(),
  default_role: role.optional(),
  allow_linking: z.boolean().optional(),
  /** IdP-initiated sign-in (unsolicited responses); off by default: it cannot be bound to a browser. */
  idp_initiated: z.boolean().optional(),
  attribute_preset: z.enum(['okta', 'entra', 'google', 'custom']).optional(),
  attributes: z.strictObject({ email: attributeName.optional(), first_name: attributeName.optional(), last_name: attributeName.optional(), groups: attributeName.optional() }).optional(),
  /** IdP group -> organization role. */
  group_roles: z.record(z.string().min(1).max(512), role).optional(),
  want_response_signed: z.boolean().optional(),
  clock_skew_seconds: z.number().int().min(0).max(300).optional(),
  /** Sign AuthnRequests with the connection's SP key (made when first needed; its certificate is in the SP metadata). */
  sign_requests: z.boolean().optional(),
  /** Take encrypted assertions only, encrypted to the SP key's certificate. */
  encrypt_assertions: z.boolean().optional(),
  trust_idp_mfa: trustIdpMfa,
  /** `AuthnContextClassRef` values that mean MFA (default Entra ID's multipleauthn and MobileTwoFactorContract). */
  idp_mfa_authn_contexts: assertedValues,
};
/** Where the IdP is: its metadata (XML or URL), or by hand. */
const samlIdpFields = {
  metadata_xml: z.string().min(1).max(200_000).optional(),
  metadata_url: z.string().url().max(2048).optional(),
  entity_id: z.string().trim().min(1).max(1024).optional(),
  sso_url: z.string().url().max(2048).optional(),
  /** Signing certificates, base64 DER or PEM; several during a rotation. */
  certificates: z.array(z.string().min(100).max(20_000)).min(1).max(5).optional(),
};

export const createSamlConnectionSchema = z
  .strictObject({ type: z.literal('saml'), ...samlIdpFields, ...samlFields })
  .superRefine((body, ctx) => {
    const shapes = [body.metadata_xml !== undefined, body.metadata_url !== undefined, body.entity_id !== undefined || body.sso_url !== undefined || body.certificates !== undefined];
    if (shapes.filter(Boolean).length !== 1) ctx.addIssue({ code: 'custom', path: [], message: 'give one of: metadata_xml, metadata_url, or entity_id with sso_url and certificates' });
    if (shapes[2]) for (const field of ['entity_id', 'sso_url', 'certificates'] as const) if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required with entity_id, sso_url and certificates' });
  });

/** POST /organizations/{id}/connections */
export const createConnectionSchema = z.discriminatedUnion('type', [createOidcConnectionSchema, createSamlConnectionSchema]);

/** PATCH of a SAML connection: any field; new IdP metadata (XML or URL) replaces entity ID, SSO URL and certificates. */
export const updateSamlConnectionSchema = z
  .strictObject({ ...samlIdpFields, ...samlFields })
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')
  .refine((change) => [change.metadata_xml, change.metadata_url].filter((v) => v !== undefined).length + (change.entity_id ?? change.sso_url ?? change.certificates ? 1 : 0) <= 1, 'give new metadata as one of: metadata_xml, metadata_url, or entity_id / sso_url / certificates');

export const updateConnectionSchema = z
  .strictObject({ ...oidcFields, issuer: issuer.optional(), client_id: clientId.optional() })
  .refine((change) => Object.keys(change).length > 0, 'nothing to change');

export const putMembershipSchema = z.strictObject({ role });

/** `?limit=&after=` of the paged lists. */
export const pageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().min(1).max(200).optional(),
});

/** `?limit=&after=&email=` of `GET /users`: `email` (normalized as sign-in does) narrows the list to that address. */
export const userListQuerySchema = pageQuerySchema.extend({ email: emailField.optional() });
