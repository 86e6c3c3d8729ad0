import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { isLoopbackUrl, type BrokerConfig } from '../../config.js';
import { seal, sealingKey, unseal } from '../../crypto/sealing.js';
import type { Deps } from '../../deps.js';
import type { ConnectionRecord } from '../../storage/queries/index.js';

/**
 * The one OAuth/OIDC redirect URI of this broker: every social provider and every
 * enterprise OIDC connection registers it at its IdP; the flow's `state` tells them apart.
 *
 * @example
 * oauthRedirectUri(deps.config); // 'https://auth.example.com/v1/oauth/callback'
 */
export function oauthRedirectUri(config: Pick<BrokerConfig, 'publicUrl'>): string {
  return `${config.publicUrl}/v1/oauth/callback`;
}

/**
 * Why `issuer` cannot be an OIDC issuer here, or undefined when it can. OIDC
 * Discovery §3: an https URL without query or fragment. Plain http only for a
 * loopback host in dev mode (the dev IdP at http://127.0.0.1:8788/oidc), so no
 * production broker ever fetches discovery or sends a client secret in the clear.
 *
 * @example
 * issuerProblem(config, 'https://login.example.com'); // undefined
 */
export function issuerProblem(config: Pick<BrokerConfig, 'dev'>, issuer: string): string | undefined {
  if (!URL.canParse(issuer)) return 'not a URL';
  const url = new URL(issuer);
  if (url.protocol === 'http:') {
    if (!(config.dev && isLoopbackUrl(issuer))) return 'must be an https URL (plain http only for a loopback IdP in dev mode)';
  } else if (url.protocol !== 'https:') {
    return 'must be an https URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) return 'must not have a query or a fragment (OIDC Discovery §3)';
  return undefined;
}

/** A connection's credential at the IdP's token endpoint, opened. */
export type ConnectionCredential = { kind: 'client_secret'; secret: string } | { kind: 'private_key'; jwk: JWK & { kid: string; alg: string } };

/** Members of a JWK that are private (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The JWS algorithm a private key signs client assertions with, when its JWK does not say. */
function defaultAlg(jwk: JWK): string | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * A private JWK for `private_key_jwt` (RFC 7523), checked by importing it: an
 * asymmetric private key (RSA, EC or Ed25519) with its `alg` and `kid` filled in (the
 * RFC 7638 thumbprint when it has none), and the public half to register at the IdP.
 *
 * @example
 * const prepared = await preparePrivateKey(body.private_key_jwk);
 * if ('problem' in prepared) throw …;
 */
export async function preparePrivateKey(
  input: Record<string, unknown>,
): Promise<{ privateJwk: JWK & { kid: string; alg: string }; publicJwk: Record<string, unknown> } | { problem: string }> {
  const jwk = input as JWK;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return { problem: 'must be an RSA, EC or OKP (Ed25519) private key' };
  if (typeof jwk.d !== 'string') return { problem: 'is a public key; send the private key (with its "d")' };
  const alg = typeof jwk.alg === 'string' ? jwk.alg : defaultAlg(jwk);
  if (!alg || alg.startsWith('HS') || alg === 'none') return { problem: 'has no usable signing algorithm (alg)' };
  try {
    await importJWK(jwk, alg);
  } catch {
    return { problem: `does not import as a private key for ${alg}` };
  }
  const publicPart = Object.fromEntries(Object.entries(jwk).filter(([name]) => !(PRIVATE_MEMBERS as readonly string[]).includes(name) && name !== 'key_ops'));
  const kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : await calculateJwkThumbprint(publicPart as JWK);
  return { privateJwk: { ...jwk, alg, kid }, publicJwk: { ...publicPart, alg, kid, use: 'sig' } };
}

/**
 * Seals a connection's client secret or private key for the row `connectionId`
 * (purpose `connection-secret`, the id as associated data: a value copied into another
 * connection's row does not open).
 *
 * @example
 * const sealedSecret = sealConnectionCredential(await deps.secret(), id, { kind: 'client_secret', secret });
 */
export function sealConnectionCredential(secret: string, connectionId: string, credential: ConnectionCredential): string {
  const plaintext = credential.kind === 'client_secret' ? credential.secret : JSON.stringify(credential.jwk);
  return seal(sealingKey(secret, 'connection-secret'), connectionId, plaintext);
}

/**
 * Opens a connection's credential for a token request: the client secret, or the
 * private JWK for `private_key_jwt`. Undefined when the connection stores none.
 * Throws `SealedValueError` when it was sealed under another broker secret or copied
 * from another row.
 *
 * @example
 * const credential = await connectionCredential(deps, connection);
 * const clientAuth = credential?.kind === 'client_secret' ? oauth.ClientSecretBasic(credential.secret) : …;
 */
export async function connectionCredential(deps: Pick<Deps, 'secret'>, connection: ConnectionRecord): Promise<ConnectionCredential | undefined> {
  if (connection.sealedSecret === null) return undefined;
  const plaintext = unseal(sealingKey(await deps.secret(), 'connection-secret'), connection.id, connection.sealedSecret);
  // A SAML connection's sealed secret is always its SP key (see saml/sp-key.ts).
  if (connection.type === 'saml' || connection.config.tokenEndpointAuthMethod === 'private_key_jwt') {
    return { kind: 'private_key', jwk: JSON.parse(plaintext) as JWK & { kid: string; alg: string } };
  }
  return { kind: 'client_secret', secret: plaintext };
}
