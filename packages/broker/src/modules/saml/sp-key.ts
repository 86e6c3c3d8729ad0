import { createPrivateKey, randomBytes, webcrypto, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import type { Deps } from '../../deps.js';
import type { ConnectionRecord } from '../../storage/queries/index.js';
import { connectionCredential, sealConnectionCredential } from '../orgs/connections.js';

/** The SP's own key pair of one connection: it signs AuthnRequests and decrypts assertions. */
export interface SpKey {
  /** PKCS#8 PEM, as node-saml takes `privateKey` and `decryptionPvk`. */
  privateKeyPem: string;
  /** The self-signed certificate the SP metadata publishes, base64 DER. */
  certificate: string;
}

/** How long the SP certificate is valid. IdPs read only its key; 10 years spares the admins a rotation nobody needs. */
const CERTIFICATE_YEARS = 10;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/**
 * A new SP key pair for `connectionId`: RSA 2048 (IdPs encrypt to RSA only: RSA-OAEP key
 * transport), in a self-signed certificate named after the SP entity ID, as SAML
 * metadata carries keys. Answers the key and its sealed form for the connection's row.
 */
export async function newSpKey(deps: Pick<Deps, 'secret' | 'clock'>, connectionId: string, entityId: string): Promise<{ key: SpKey; sealed: string }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = deps.clock();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      // A CN of at most 64 characters (X.520 ub-common-name); the entity ID can be longer.
      name: [{ CN: ['Latchkey SAML SP'] }, { O: [connectionId] }],
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: RSA,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)],
    },
    webcrypto as unknown as Crypto,
  );
  const jwk = (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK;
  const sealed = sealConnectionCredential(await deps.secret(), connectionId, { kind: 'private_key', jwk: { ...jwk, alg: 'RS256', kid: `sp:${entityId}` } });
  return { key: { privateKeyPem: pemOfJwk(jwk), certificate: Buffer.from(certificate.rawData).toString('base64') }, sealed };
}

const pemOfJwk = (jwk: JWK) => createPrivateKey({ key: jwk as NodeJsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();

/** The connection's SP key, opened from its row; undefined when it has none (neither signing requests nor taking encrypted assertions). */
export async function spKeyOf(deps: Pick<Deps, 'secret'>, connection: ConnectionRecord & { type: 'saml' }): Promise<SpKey | undefined> {
  const certificate = connection.config.spCertificate;
  if (!certificate) return undefined;
  const credential = await connectionCredential(deps, connection);
  if (credential?.kind !== 'private_key') return undefined;
  return { privateKeyPem: pemOfJwk(credential.jwk), certificate };
}
