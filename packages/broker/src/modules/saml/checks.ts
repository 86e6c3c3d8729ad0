import { DOMParser } from '@xmldom/xmldom';

type Document = ReturnType<DOMParser['parseFromString']>;
type Element = NonNullable<Document['documentElement']>;

/**
 * The broker's own checks around node-saml. node-saml verifies the signature and
 * the audience and conditions, but by itself (5.1, signed assertions required)
 * still takes a wrong or missing Destination, Recipient or Issuer, SHA-1, a
 * non-Success status, a confirmation method other than bearer, an empty
 * NameID, an IssueInstant in the future, a DOCTYPE that declares no entity, a
 * LogoutResponse at the ACS and pathologically deep nesting. Each is refused
 * here with a reason the organization's admins can read.
 */

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** Deeper than any real response (about 8 levels); wrapping attacks and parser bombs nest far more. */
const MAX_DEPTH = 24;

/** Why a response was refused: a stable `reason` for the admins' list, a detail for them (never shown to the user). */
export class SamlRejection extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
    this.name = this.constructor.name;
  }
}

const reject = (reason: string, detail: string): never => {
  throw new SamlRejection(reason, detail);
};

/** Element children of `parent` in `ns` named `name` (direct children only: no wrapped copy deeper down counts). */
const children = (parent: Element, ns: string, name: string): Element[] =>
  Array.from({ length: parent.childNodes.length }, (_, i) => parent.childNodes.item(i)).filter(
    (node): node is Element => node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === name,
  );
const all = (doc: Document | Element, ns: string, name: string): Element[] => Array.from(doc.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<Element>);
const text = (element: Element | undefined) => element?.textContent?.trim() ?? '';

/**
 * Whether any element lies deeper than `max`, walked without recursion. Counted on the parsed
 * tree, not the text: a scan of the text is fooled by a closing tag inside a comment or CDATA,
 * a "/>" inside an attribute value or a name starting with a non-ASCII letter, while every
 * reader after this one (xml-crypto, xpath, xml2js) sees the tree. xmldom's parser is itself
 * iterative, so parsing a deep document is safe; the body limit bounds its size.
 */
function deeperThan(root: Element, max: number): boolean {
  const stack: Array<[Element, number]> = [[root, 1]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [element, depth] = entry;
    if (depth > max) return true;
    for (let child = element.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) stack.push([child as Element, depth + 1]);
  }
  return false;
}

/** Parses XML that has passed the text checks; any parser complaint, or nesting deeper than any real message, is a refusal. */
export function parseXml(xml: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) } }).parseFromString(xml, 'text/xml');
  if (problems.length > 0 || !doc.documentElement) reject('malformed', `the XML does not parse: ${problems[0] ?? 'no document element'}`);
  if (deeperThan(doc.documentElement!, MAX_DEPTH)) reject('too_deep', `elements nested more than ${MAX_DEPTH} deep`);
  return doc;
}

/** What the text of a response must not hold before any XML parser reads it. */
export function checkMarkup(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) reject('doctype', 'a DOCTYPE or entity declaration (refused whether or not it declares entities)');
}

/**
 * The response as a whole, before node-saml: a protocol `Response` (not a
 * LogoutResponse) issued in the past, to this ACS, from this IdP, with status
 * Success, exactly one assertion (an encrypted one with allowed algorithms) and no
 * SHA-1 signature. Answers its `InResponseTo`, and the EncryptedAssertion's XML if any.
 */
export function checkResponse(xml: string, expected: { acsUrl: string; idpEntityId: string; now: Date; skewMs: number }): { inResponseTo: string | null; encryptedAssertion: string | null } {
  checkMarkup(xml);
  const doc = parseXml(xml);
  const root = doc.documentElement!;
  if (root.namespaceURI !== PROTOCOL || root.localName !== 'Response') reject('not_a_response', `a ${root.localName} is not a sign-in response`);
  const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
  if (!Number.isFinite(issued) || issued > expected.now.getTime() + expected.skewMs) reject('issue_instant', `the response's IssueInstant ${root.getAttribute('IssueInstant') || '(none)'} is in the future`);
  const destination = root.getAttribute('Destination');
  if (destination !== expected.acsUrl) reject('destination', `Destination ${destination || '(none)'} is not this ACS ${expected.acsUrl}`);
  for (const issuer of children(root, ASSERTION, 'Issuer')) {
    if (text(issuer) !== expected.idpEntityId) reject('issuer', `the response's Issuer ${text(issuer)} is not ${expected.idpEntityId}`);
  }
  const status = children(root, PROTOCOL, 'Status')[0];
  const code = status && children(status, PROTOCOL, 'StatusCode')[0]?.getAttribute('Value');
  if (code !== SUCCESS) reject('status', `status ${code ?? '(none)'}${status ? `: ${text(children(status, PROTOCOL, 'StatusMessage')[0]) || 'no message'}` : ''}`);
  const encrypted = all(doc, ASSERTION, 'EncryptedAssertion');
  const assertions = all(doc, ASSERTION, 'Assertion').length + encrypted.length;
  if (assertions !== 1) reject('assertion_count', `${assertions} assertions (exactly one is taken)`);
  refuseSha1(doc);
  if (encrypted[0]) checkEncryption(encrypted[0]);
  return { inResponseTo: root.getAttribute('InResponseTo') || null, encryptedAssertion: encrypted[0]?.toString() ?? null };
}

/** No SHA-1 in a signature: its SignatureMethod, or a DigestMethod of its References (RSA-OAEP's own digest is not a signature's). */
export function refuseSha1(doc: Document | Element): void {
  const inReference = (method: Element) => {
    const parent = method.parentNode as Element | null;
    return parent?.localName === 'Reference' && parent.namespaceURI === DSIG;
  };
  const digests = all(doc, DSIG, 'DigestMethod').filter(inReference);
  for (const method of [...all(doc, DSIG, 'SignatureMethod'), ...digests]) {
    const algorithm = method.getAttribute('Algorithm') ?? '';
    if (/sha1$/i.test(algorithm)) reject('sha1', `${method.localName} ${algorithm}: SHA-1 is refused`);
  }
}

/** What an EncryptedAssertion may be encrypted with: AES (GCM or CBC), its key by RSA-OAEP. Never RSA PKCS#1 v1.5 (Bleichenbacher) or 3DES. */
const CONTENT_ALGORITHMS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
];
const KEY_TRANSPORT = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const XMLENC = 'http://www.w3.org/2001/04/xmlenc#';

/** The EncryptedAssertion's algorithms, before anything is decrypted: one EncryptedData and one EncryptedKey, each with an allowed method. */
function checkEncryption(encrypted: Element): void {
  const data = all(encrypted, XMLENC, 'EncryptedData');
  const keys = all(encrypted, XMLENC, 'EncryptedKey');
  if (data.length !== 1 || keys.length !== 1) reject('encryption_algorithm', `${data.length} EncryptedData and ${keys.length} EncryptedKey (one of each is taken)`);
  const method = (element: Element) => children(element, XMLENC, 'EncryptionMethod')[0]?.getAttribute('Algorithm') ?? '(none)';
  const content = method(data[0]!);
  if (!CONTENT_ALGORITHMS.includes(content)) reject('encryption_algorithm', `content encrypted with ${content}: AES-GCM or AES-CBC only`);
  const transport = method(keys[0]!);
  if (transport !== KEY_TRANSPORT) reject('encryption_algorithm', `key transported with ${transport}: RSA-OAEP only`);
}

/**
 * The assertion node-saml validated (its signed XML, never the response around
 * it): from this IdP, issued in the past, a non-empty NameID, and a bearer
 * confirmation for this ACS and this request that has not expired. Answers
 * its ID and until when it could be replayed.
 */
export function checkAssertion(
  assertionXml: string,
  expected: { acsUrl: string; idpEntityId: string; inResponseTo: string | null; now: Date; skewMs: number },
): { assertionId: string; validUntil: Date; authnContexts: string[] } {
  const root = parseXml(assertionXml).documentElement!;
  const now = expected.now.getTime();
  if (root.namespaceURI !== ASSERTION || root.localName !== 'Assertion') reject('malformed', `the signed element is a ${root.localName}`);
  const issuer = text(children(root, ASSERTION, 'Issuer')[0]);
  if (issuer !== expected.idpEntityId) reject('issuer', `the assertion's Issuer ${issuer || '(none)'} is not ${expected.idpEntityId}`);
  const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
  if (!Number.isFinite(issued) || issued > now + expected.skewMs) reject('issue_instant', `IssueInstant ${root.getAttribute('IssueInstant')} is in the future`);
  const assertionId = root.getAttribute('ID') ?? '';
  if (!assertionId) reject('malformed', 'the assertion has no ID');
  const subject = children(root, ASSERTION, 'Subject')[0];
  if (!subject || !text(children(subject, ASSERTION, 'NameID')[0])) reject('name_id', 'no NameID, or an empty one');
  const confirmations = children(subject!, ASSERTION, 'SubjectConfirmation');
  let confirmedUntil: number | undefined;
  for (const confirmation of confirmations) {
    if (confirmation.getAttribute('Method') !== BEARER) continue;
    const data = children(confirmation, ASSERTION, 'SubjectConfirmationData')[0];
    if (!data || data.getAttribute('Recipient') !== expected.acsUrl) continue;
    if ((data.getAttribute('InResponseTo') || null) !== expected.inResponseTo) continue;
    const until = Date.parse(data.getAttribute('NotOnOrAfter') ?? '');
    if (!Number.isFinite(until) || until + expected.skewMs <= now) continue;
    confirmedUntil = until;
  }
  if (confirmedUntil === undefined) {
    const methods = confirmations.map((c) => c.getAttribute('Method')).join(', ') || 'none';
    reject('subject_confirmation', `no bearer SubjectConfirmation for ${expected.acsUrl} and InResponseTo ${expected.inResponseTo ?? '(none)'} that is still valid (methods: ${methods})`);
  }
  const conditions = children(root, ASSERTION, 'Conditions')[0];
  const conditionsUntil = Date.parse(conditions?.getAttribute('NotOnOrAfter') ?? '');
  const validUntil = Math.min(confirmedUntil!, Number.isFinite(conditionsUntil) ? conditionsUntil : Infinity) + expected.skewMs;
  // How the IdP says it authenticated the user (SAML Core §2.7.2.2), read from the signed assertion only.
  const authnContexts = children(root, ASSERTION, 'AuthnStatement')
    .flatMap((statement) => children(statement, ASSERTION, 'AuthnContext'))
    .flatMap((context) => children(context, ASSERTION, 'AuthnContextClassRef'))
    .map((ref) => text(ref))
    .filter((ref) => ref.length > 0 && ref.length <= 512);
  return { assertionId, validUntil: new Date(validUntil), authnContexts };
}
