import { promisify } from 'node:util';
import xmlenc from 'xml-encryption';
import { checkMarkup, parseXml, refuseSha1, SamlRejection } from './checks.js';

const decrypt = promisify(xmlenc.decrypt) as (xml: string, options: xmlenc.DecryptOptions) => Promise<string>;

/**
 * Decrypts an `EncryptedAssertion` (its algorithms were checked by `checkResponse`), with
 * xml-encryption's insecure algorithms (RSA PKCS#1 v1.5, 3DES) refused once more, and
 * looks at the plaintext as at any response: no DOCTYPE or entity, nesting no deeper than
 * a real message, one `Assertion`, no SHA-1 signature. node-saml decrypts on its own afterwards but never
 * looks at what it decrypted: anyone can encrypt to the SP certificate, which is public.
 * Every failure is one reason, `decryption`, with one answer: the user learns nothing of
 * which step failed (no padding oracle).
 */
export async function decryptAssertion(encryptedAssertion: string, privateKeyPem: string): Promise<string> {
  let plaintext: string;
  try {
    plaintext = await decrypt(encryptedAssertion, { key: privateKeyPem, disallowDecryptionWithInsecureAlgorithm: true, warnInsecureAlgorithm: false });
  } catch (error) {
    throw new SamlRejection('decryption', `the EncryptedAssertion does not decrypt with this connection's SP key: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkMarkup(plaintext);
  const root = parseXml(plaintext).documentElement!;
  if (root.localName !== 'Assertion' || root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:assertion') throw new SamlRejection('decryption', `the EncryptedAssertion holds a ${root.localName}, not an Assertion`);
  // The assertion's signature was out of sight until now (node-saml's validated XML leaves it out).
  refuseSha1(root);
  return plaintext;
}
