import { readFileSync } from 'node:fs';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import xmlenc from 'xml-encryption';

/**
 * SAML responses crafted by hand for the SP's hostile-input tests: a valid
 * Response as an IdP sends it (every field overridable), signed with
 * xml-crypto the way IdPs sign (enveloped, exclusive c14n, RSA-SHA256 over a
 * SHA-256 digest), plus raw-XML hooks at each stage and the classic signature
 * wrapping rewrites (XSW1–8), so an attack variant is a small change to a
 * response that would otherwise sign someone in.
 */

const keys = new URL('../../../../apps/dev-idp/keys/', import.meta.url);
/** The dev SAML IdP's committed signing key and certificate (public on purpose: apps/dev-idp/keys/README.md). */
export const IDP_KEY = readFileSync(new URL('saml-idp.key', keys), 'utf8');
export const IDP_CERTIFICATE = readFileSync(new URL('saml-idp.crt', keys), 'utf8');
/** The certificate as a connection takes it by hand: base64 DER. */
export const IDP_CERTIFICATE_DER = IDP_CERTIFICATE.replace(/-----[A-Z ]+-----|\s/g, '');

/** A key nobody trusts, made once per test run. */
export const anotherKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;
export const SAML_VALUES = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  bearer: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  holderOfKey: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
} as const;
const SIGNATURE_ALGORITHMS = {
  sha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  /** Keyed with the IdP's public certificate: the algorithm confusion an SP must never take. */
  'hmac-sha1': 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
} as const;
const DIGEST_ALGORITHMS = { sha256: 'http://www.w3.org/2001/04/xmlenc#sha256', sha1: 'http://www.w3.org/2000/09/xmldsig#sha1' } as const;
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Who the response is between: the broker's SP for one connection, and the IdP it trusts. */
export interface SamlParties {
  acsUrl: string;
  spEntityId: string;
  idpEntityId: string;
}

/** The Assertion's fields; `null` leaves the element or attribute out. Times are ISO strings when given as text. */
export interface AssertionFields {
  id: string;
  issuer: string | null;
  issueInstant: Date | string;
  /** Text of the NameID (escaped); `null`: no NameID. */
  nameId: string | null;
  nameIdFormat: string;
  confirmationMethod: string;
  recipient: string | null;
  inResponseTo: string | null;
  confirmationNotOnOrAfter: Date | string | null;
  notBefore: Date | string | null;
  notOnOrAfter: Date | string | null;
  audience: string;
  authnInstant: Date | string;
  sessionIndex: string;
  /** Attribute name → values (an AttributeStatement only when there are some). */
  attributes: Record<string, string[]>;
}

/** The Response's fields around the assertion; `null` leaves the attribute or element out. */
export interface ResponseFields {
  id: string;
  issuer: string | null;
  issueInstant: Date | string;
  destination: string | null;
  inResponseTo: string | null;
  /** Top-level status code, and an optional second-level one and message. */
  status: string;
  subStatus: string | null;
  statusMessage: string | null;
}

/** How a part is signed: the trusted IdP key by default; another key, SHA-1, or a certificate in KeyInfo on demand. */
export interface Signing {
  key?: string | KeyObject;
  /** PEM put in KeyInfo (the trusted one by default; `null`: no KeyInfo). */
  certificate?: string | null;
  signatureAlgorithm?: keyof typeof SIGNATURE_ALGORITHMS;
  digestAlgorithm?: keyof typeof DIGEST_ALGORITHMS;
}

/** Raw-XML hooks, in the order they run: the assertion before and after it is signed, the response before and after. */
export interface ResponseHooks {
  assertion?: (xml: string) => string;
  signedAssertion?: (xml: string) => string;
  response?: (xml: string) => string;
  signedResponse?: (xml: string) => string;
}

export interface ResponseOptions {
  response?: Partial<ResponseFields>;
  assertion?: Partial<AssertionFields>;
  /** Default: signed with the trusted key. `false`: unsigned. */
  signAssertion?: Signing | false;
  /** Default: unsigned. */
  signResponse?: Signing | false;
  /** No assertion at all (an error status, say). */
  withoutAssertion?: boolean;
  hooks?: ResponseHooks;
}

let counter = 0;
/** A fresh SAML ID (an NCName). */
export const samlId = (prefix = 'id') => `_${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 10)}`;

export const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const instant = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());
const attr = (name: string, value: Date | string | null | undefined) => (value === null || value === undefined ? '' : ` ${name}="${escapeXml(instant(value))}"`);

/** The fields of a valid assertion for `email` at `now`: five minutes to use it, for this SP and request. */
export function validAssertion(parties: SamlParties, now: Date, inResponseTo: string | null, email = 'bo@globex.test'): AssertionFields {
  const until = new Date(now.getTime() + 5 * 60_000);
  const [first = '', last = ''] = email.split('@')[0]!.split('.');
  return {
    id: samlId('assertion'),
    issuer: parties.idpEntityId,
    issueInstant: now,
    nameId: email,
    nameIdFormat: SAML_VALUES.emailAddress,
    confirmationMethod: SAML_VALUES.bearer,
    recipient: parties.acsUrl,
    inResponseTo,
    confirmationNotOnOrAfter: until,
    notBefore: now,
    notOnOrAfter: until,
    audience: parties.spEntityId,
    authnInstant: now,
    sessionIndex: samlId('session'),
    attributes: { email: [email], firstName: [first || 'Bo'], lastName: [last || 'Globex'], groups: ['admins'] },
  };
}

export function assertionXml(f: AssertionFields): string {
  const attributes = Object.entries(f.attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
          .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
  return (
    `<saml:Assertion xmlns:saml="${NS.assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${escapeXml(f.id)}" Version="2.0" IssueInstant="${instant(f.issueInstant)}">` +
    (f.issuer === null ? '' : `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>`) +
    `<saml:Subject>` +
    (f.nameId === null ? '' : `<saml:NameID Format="${escapeXml(f.nameIdFormat)}">${escapeXml(f.nameId)}</saml:NameID>`) +
    `<saml:SubjectConfirmation Method="${escapeXml(f.confirmationMethod)}"><saml:SubjectConfirmationData${attr('InResponseTo', f.inResponseTo)}${attr('NotOnOrAfter', f.confirmationNotOnOrAfter)}${attr('Recipient', f.recipient)}/></saml:SubjectConfirmation>` +
    `</saml:Subject>` +
    `<saml:Conditions${attr('NotBefore', f.notBefore)}${attr('NotOnOrAfter', f.notOnOrAfter)}><saml:AudienceRestriction><saml:Audience>${escapeXml(f.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant(f.authnInstant)}" SessionIndex="${escapeXml(f.sessionIndex)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion>`
  );
}

export function responseXml(f: ResponseFields, assertion: string): string {
  const sub = f.subStatus === null ? '' : `<samlp:StatusCode Value="${escapeXml(f.subStatus)}"/>`;
  const message = f.statusMessage === null ? '' : `<samlp:StatusMessage>${escapeXml(f.statusMessage)}</samlp:StatusMessage>`;
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(f.id)}" Version="2.0" IssueInstant="${instant(f.issueInstant)}"${attr('Destination', f.destination)}${attr('InResponseTo', f.inResponseTo)}>` +
    (f.issuer === null ? '' : `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(f.status)}">${sub}</samlp:StatusCode>${message}</samlp:Status>` +
    assertion +
    `</samlp:Response>`
  );
}

/**
 * Signs the document element of `xml` (an Assertion or a Response) as IdPs do: one
 * enveloped signature right after its Issuer (first when it has none), referencing its ID.
 */
export function signRoot(xml: string, signing: Signing = {}): string {
  const algorithm = signing.signatureAlgorithm ?? 'sha256';
  const certificate = signing.certificate === undefined ? IDP_CERTIFICATE : signing.certificate;
  const hmac = algorithm === 'hmac-sha1';
  const sig = new SignedXml({
    // HMAC's key is the certificate everybody has (the confusion it tries); RSA's the private key.
    privateKey: signing.key ?? (hmac ? IDP_CERTIFICATE : IDP_KEY),
    ...(certificate === null || hmac ? {} : { publicCert: certificate }),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[algorithm],
    canonicalizationAlgorithm: EXC_C14N,
  });
  if (hmac) sig.enableHMAC();
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  const rootPath = `/*[local-name(.)='${root.localName}']`;
  sig.addReference({ xpath: rootPath, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: DIGEST_ALGORITHMS[signing.digestAlgorithm ?? 'sha256'] });
  const hasIssuer = Array.from({ length: root.childNodes.length }, (_, i) => root.childNodes.item(i)).some((n) => n.nodeType === 1 && (n as Element).localName === 'Issuer');
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: hasIssuer ? { reference: `${rootPath}/*[local-name(.)='Issuer']`, action: 'after' } : { reference: rootPath, action: 'prepend' },
  });
  return sig.getSignedXml();
}

/** A complete Response as XML: the fields (valid by default), the signatures asked for, the hooks applied. */
export function samlResponse(parties: SamlParties, now: Date, inResponseTo: string | null, options: ResponseOptions = {}): string {
  const hooks = options.hooks ?? {};
  const assertionFields = { ...validAssertion(parties, now, inResponseTo), ...options.assertion };
  let assertion = '';
  if (!options.withoutAssertion) {
    assertion = hooks.assertion ? hooks.assertion(assertionXml(assertionFields)) : assertionXml(assertionFields);
    if (options.signAssertion !== false) assertion = signRoot(assertion, options.signAssertion ?? {});
    if (hooks.signedAssertion) assertion = hooks.signedAssertion(assertion);
  }
  const responseFields: ResponseFields = {
    id: samlId('response'),
    issuer: parties.idpEntityId,
    issueInstant: now,
    destination: parties.acsUrl,
    inResponseTo,
    status: SAML_VALUES.success,
    subStatus: null,
    statusMessage: null,
    ...options.response,
  };
  let response = responseXml(responseFields, assertion);
  if (hooks.response) response = hooks.response(response);
  if (options.signResponse) response = signRoot(response, options.signResponse);
  if (hooks.signedResponse) response = hooks.signedResponse(response);
  return response;
}

/** The POST binding's `SAMLResponse` value. */
export const encodeResponse = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** The ID of the AuthnRequest in an HTTP-Redirect binding URL (its `SAMLRequest`: deflate-raw, then base64). */
export function authnRequestIdOf(url: string): string {
  const request = new URL(url).searchParams.get('SAMLRequest');
  if (!request) throw new Error(`no SAMLRequest in ${url}`);
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  const id = new DOMParser().parseFromString(xml, 'text/xml').documentElement?.getAttribute('ID');
  if (!id) throw new Error(`no ID in the AuthnRequest ${xml}`);
  return id;
}

// --- XML signature wrapping ("On Breaking SAML", Somorovsky et al. 2012; as SAML Raider applies them) ---

type Element = NonNullable<ReturnType<DOMParser['parseFromString']>['documentElement']>;
const childElements = (parent: Element, localName: string): Element[] =>
  Array.from({ length: parent.childNodes.length }, (_, i) => parent.childNodes.item(i)).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === localName);
const firstChild = (parent: Element, localName: string): Element => {
  const found = childElements(parent, localName)[0];
  if (!found) throw new Error(`no ${localName} in ${parent.localName}`);
  return found;
};

/** The attacker's edit on an element they copied: every NameID and `email` attribute value becomes `email`. */
function impersonate(element: Element, email: string): void {
  for (const nameId of Array.from(element.getElementsByTagNameNS(NS.assertion, 'NameID') as unknown as ArrayLike<Element>)) nameId.textContent = email;
  for (const attribute of Array.from(element.getElementsByTagNameNS(NS.assertion, 'Attribute') as unknown as ArrayLike<Element>)) {
    if (attribute.getAttribute('Name') !== 'email') continue;
    for (const value of Array.from(attribute.getElementsByTagNameNS(NS.assertion, 'AttributeValue') as unknown as ArrayLike<Element>)) value.textContent = email;
  }
}

export type XswVariant = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * Rewrites a signed response into signature wrapping variant `variant`, the
 * attacker's copy naming `email`: XSW1–2 wrap a signed Response (it must carry a
 * Response signature), XSW3–8 a signed Assertion.
 * - XSW1: the evil Response holds the signed one (unsigned copy) inside its Signature;
 * - XSW2: the same copy before the Signature (a detached signature);
 * - XSW3: an evil Assertion before the signed one;
 * - XSW4: the signed Assertion inside the evil one;
 * - XSW5: the evil Assertion keeps the signature; an unsigned copy of the original follows it;
 * - XSW6: as XSW5, with the copy inside the Signature;
 * - XSW7: the evil Assertion in the Response's Extensions, the signed one as is;
 * - XSW8: the evil Assertion keeps the signature; the original, unsigned, in a ds:Object inside it.
 */
export function wrapSignature(xml: string, variant: XswVariant, email: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const response = doc.documentElement!;
  switch (variant) {
    case 1:
    case 2: {
      const signature = firstChild(response, 'Signature');
      const original = response.cloneNode(true) as Element;
      original.removeChild(firstChild(original, 'Signature'));
      impersonate(response, email);
      if (variant === 1) signature.appendChild(original);
      else response.insertBefore(original, signature);
      response.setAttribute('ID', '_evil_response');
      break;
    }
    case 3:
    case 4: {
      const assertion = firstChild(response, 'Assertion');
      const evil = assertion.cloneNode(true) as Element;
      impersonate(evil, email);
      evil.removeChild(firstChild(evil, 'Signature'));
      evil.setAttribute('ID', '_evil_assertion');
      if (variant === 3) response.insertBefore(evil, assertion);
      else {
        response.appendChild(evil);
        evil.appendChild(assertion);
      }
      break;
    }
    case 5:
    case 6:
    case 8: {
      const evil = firstChild(response, 'Assertion');
      const signature = firstChild(evil, 'Signature');
      const original = evil.cloneNode(true) as Element;
      original.removeChild(firstChild(original, 'Signature'));
      impersonate(evil, email);
      if (variant === 5) response.appendChild(original);
      else if (variant === 6) signature.appendChild(original);
      else signature.appendChild(doc.createElementNS(NS.dsig, 'ds:Object')).appendChild(original);
      if (variant !== 8) evil.setAttribute('ID', '_evil_assertion');
      break;
    }
    case 7: {
      const assertion = firstChild(response, 'Assertion');
      const extensions = doc.createElementNS(NS.protocol, 'samlp:Extensions');
      response.insertBefore(extensions, assertion);
      const evil = assertion.cloneNode(true) as Element;
      impersonate(evil, email);
      evil.removeChild(firstChild(evil, 'Signature'));
      extensions.appendChild(evil);
      break;
    }
  }
  return new XMLSerializer().serializeToString(doc);
}

/** How `encryptAssertionIn` encrypts: the algorithms an IdP picks, and the public key it encrypts to. */
export interface Encryption {
  /** The SP certificate (base64 DER, as the admin API answers it). */
  certificate: string;
  /** Encrypt to this public key instead of the certificate's (another SP's, say). */
  publicKey?: string;
  content?: xmlenc.EncryptionAlgorithm;
  keyTransport?: xmlenc.KeyEncryptionAlgorithm;
  /** Encrypt this text instead of the response's signed assertion. */
  plaintext?: string;
}

/**
 * Replaces the response's (signed) Assertion with an EncryptedAssertion, as an IdP does
 * (sign, then encrypt): AES-256-GCM with the key transported by RSA-OAEP by default.
 */
export async function encryptAssertionIn(xml: string, encryption: Encryption): Promise<string> {
  const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)?.[0];
  if (!assertion) throw new Error('no Assertion to encrypt');
  const pem = `-----BEGIN CERTIFICATE-----\n${encryption.certificate}\n-----END CERTIFICATE-----`;
  const publicKey = encryption.publicKey ?? new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const encrypted = await new Promise<string>((resolve, reject) =>
    xmlenc.encrypt(
      encryption.plaintext ?? assertion,
      {
        rsa_pub: publicKey,
        pem,
        encryptionAlgorithm: encryption.content ?? 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        keyEncryptionAlgorithm: encryption.keyTransport ?? 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
        warnInsecureAlgorithm: false,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  return xml.replace(assertion, `<saml:EncryptedAssertion>${encrypted}</saml:EncryptedAssertion>`);
}
