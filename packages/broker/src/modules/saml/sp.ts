import { randomBytes } from 'node:crypto';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import type { BrokerConfig } from '../../config.js';
import type { SamlConnectionConfig } from '../../storage/queries/index.js';
import { checkAssertion, checkResponse, SamlRejection } from './checks.js';
import { spUrls } from './config.js';
import { decryptAssertion } from './decrypt.js';
import type { SpKey } from './sp-key.js';

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** A SAML request ID: an NCName (starts with a letter or `_`), 160 random bits. */
export const newRequestId = () => `_${randomBytes(20).toString('hex')}`;

/** PEM of a base64 DER certificate, as node-saml takes it. */
const pem = (der: string) => `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n').trim()}\n-----END CERTIFICATE-----`;

/**
 * node-saml for one connection, configured strictly: a signed assertion always
 * (and a signed response where the connection asks), the SP entity ID as the
 * only audience, the connection's clock skew, SHA-256 for what we sign,
 * `InResponseTo` left to the broker (checked against its own flows, which any
 * instance can read), and `requestId` as the next request's ID. With the
 * connection's SP key, it decrypts assertions, and signs AuthnRequests where
 * the connection asks.
 */
export function samlFor(config: Pick<BrokerConfig, 'publicUrl'>, connectionId: string, saml: SamlConnectionConfig, key?: SpKey, requestId = newRequestId()): SAML {
  const sp = spUrls(config, connectionId);
  return new SAML({
    ...(key ? { decryptionPvk: key.privateKeyPem } : {}),
    ...(key && saml.signRequests ? { privateKey: key.privateKeyPem } : {}),
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    entryPoint: saml.ssoUrl,
    idpIssuer: saml.idpEntityId,
    idpCert: saml.certificates.map(pem),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: saml.wantResponseSigned,
    acceptedClockSkewMs: saml.clockSkewSeconds * 1000,
    validateInResponseTo: ValidateInResponseTo.never,
    identifierFormat: EMAIL_FORMAT,
    disableRequestedAuthnContext: true,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    generateUniqueId: () => requestId,
  });
}

/**
 * The SP metadata an IdP admin loads: entity ID, ACS for the POST binding, the NameID
 * format and, with an SP key, its certificate for encryption (and for signing, with
 * `AuthnRequestsSigned`, where requests are signed).
 */
export function spMetadata(config: Pick<BrokerConfig, 'publicUrl'>, connectionId: string, saml: SamlConnectionConfig, key?: SpKey): string {
  const certificate = key ? pem(key.certificate) : null;
  return samlFor(config, connectionId, saml, key).generateServiceProviderMetadata(certificate, saml.signRequests ? certificate : null);
}

/**
 * Where to send the browser: the IdP's SSO URL with a deflated AuthnRequest of ID
 * `requestId` (HTTP-Redirect binding), with `SigAlg` and `Signature` (RSA-SHA256 over
 * the query, as the binding signs) where the connection signs its requests.
 */
export async function authnRequestUrl(config: Pick<BrokerConfig, 'publicUrl'>, connectionId: string, saml: SamlConnectionConfig, key: SpKey | undefined, requestId: string): Promise<string> {
  return samlFor(config, connectionId, saml, key, requestId).getAuthorizeUrlAsync('', undefined, {});
}

/** node-saml's refusals by what they are about, so the admins' list says more than "signature". */
const NODE_SAML_REASONS: Array<[RegExp, string]> = [
  [/not yet valid/i, 'not_yet_valid'],
  [/expired/i, 'expired'],
  [/audience/i, 'audience'],
  [/issuer/i, 'issuer'],
  [/status/i, 'status'],
];
const nodeSamlReason = (message: string) => NODE_SAML_REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'signature';

/** A response that passed every check: node-saml's validated profile, and what the replay cache keeps. */
export interface ValidatedResponse {
  profile: Profile;
  inResponseTo: string | null;
  assertionId: string;
  validUntil: Date;
  /** The assertion's `AuthnContextClassRef`s: how the IdP says it authenticated the user. */
  authnContexts: string[];
}

/**
 * Validates a posted `SAMLResponse` for a connection: the broker's checks on the
 * text and the response (before any of it is trusted), an encrypted assertion
 * decrypted and checked as text the same way, node-saml's signature, audience and
 * conditions, then the broker's checks on the validated assertion. Throws
 * `SamlRejection` with the reason.
 */
export async function validateResponse(
  config: Pick<BrokerConfig, 'publicUrl'>,
  connectionId: string,
  saml: SamlConnectionConfig,
  samlResponse: string,
  now: Date,
  key?: SpKey,
): Promise<ValidatedResponse> {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) throw new SamlRejection('malformed', 'SAMLResponse is not base64');
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  const { acsUrl } = spUrls(config, connectionId);
  const { inResponseTo, encryptedAssertion } = checkResponse(xml, { acsUrl, idpEntityId: saml.idpEntityId, now, skewMs: saml.clockSkewSeconds * 1000 });
  if (encryptedAssertion) {
    if (!key) throw new SamlRejection('encrypted', 'an encrypted assertion, and this connection has no SP key to decrypt it (turn on encrypt_assertions)');
    // node-saml decrypts again below, with no algorithm rules and no look at the plaintext: this is the look.
    await decryptAssertion(encryptedAssertion, key.privateKeyPem);
  } else if (saml.encryptAssertions) {
    throw new SamlRejection('not_encrypted', 'a plaintext assertion; this connection takes encrypted assertions only');
  }
  let profile: Profile | null;
  try {
    ({ profile } = await samlFor(config, connectionId, saml, key).validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SamlRejection(nodeSamlReason(message), `node-saml refused the response: ${message}`);
  }
  if (!profile?.getAssertionXml) throw new SamlRejection('malformed', 'no assertion in the validated response');
  const { assertionId, validUntil, authnContexts } = checkAssertion(profile.getAssertionXml(), {
    acsUrl,
    idpEntityId: saml.idpEntityId,
    inResponseTo,
    now,
    skewMs: saml.clockSkewSeconds * 1000,
  });
  return { profile, inResponseTo, assertionId, validUntil, authnContexts };
}
