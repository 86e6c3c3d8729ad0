// The SAML 2.0 identity provider under /saml, on samlify: samlify reads the AuthnRequests
// (HTTP-Redirect and HTTP-POST bindings, checked against the SAML schema), writes the metadata and
// signs the Responses. The Response XML itself is ours (see responseXml): samlify's default
// template has no AuthnStatement, no multi-valued attributes and no failure status.

/// <reference path="./samlify-xmllint-wasm.d.ts" />
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as xmllint from '@authenio/samlify-xmllint-wasm';
import { Hono, type Context } from 'hono';
import samlify from 'samlify';
import { brokerSamlServiceProvider, type SamlServiceProvider } from './config.js';
import { AUTO_POST_CSP, autoPostPage, escapeHtml as escapeXml, messagePage, signInPage, type Brand } from './page.js';
import { readSignInForm, type DevUser } from './users.js';

export const SAML_MOUNT = '/saml';
const brand: Brand = { name: 'Dev IdP', theme: 'oidc' };
const INTERACTION_LIFETIME = 10 * 60 * 1000;
/** How long an assertion may be used (Conditions and SubjectConfirmationData NotOnOrAfter). */
const ASSERTION_LIFETIME = 5 * 60 * 1000;

// Committed on purpose, for the dev IdP only (keys/README.md): the demo's broker keeps its SAML
// connection, and so this certificate, across restarts.
export const SAML_CERTIFICATE = readFileSync(new URL('../keys/saml-idp.crt', import.meta.url), 'utf8');
const SAML_PRIVATE_KEY = readFileSync(new URL('../keys/saml-idp.key', import.meta.url), 'utf8');

// samlify refuses to parse any message until a schema validator is set (it is module-wide).
samlify.setSchemaValidator(xmllint);

export const SAML = {
  redirectBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  postBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
} as const;

/** What an SP needs to trust this IdP (and the demo seed to create its connection). */
export interface SamlIdpInfo {
  /** `${url}/saml/metadata`, which is also where the metadata is served. */
  entityId: string;
  metadataUrl: string;
  /** SingleSignOnService for both HTTP-Redirect and HTTP-POST. */
  ssoUrl: string;
  /** IdP-initiated sign-in: `${launchUrl}?sp=<SP entity ID>`. */
  launchUrl: string;
  /** The signing certificate, PEM. */
  certificate: string;
}

export function samlIdpInfo(baseUrl: string): SamlIdpInfo {
  const metadataUrl = `${baseUrl}${SAML_MOUNT}/metadata`;
  return { entityId: metadataUrl, metadataUrl, ssoUrl: `${baseUrl}${SAML_MOUNT}/sso`, launchUrl: `${baseUrl}${SAML_MOUNT}/launch`, certificate: SAML_CERTIFICATE };
}

/** How Responses are made: which signatures they carry (both by default; an SP test may want only one), and whether the assertion is encrypted. */
export interface SamlResponseOptions {
  /** Sign the Assertion. Default true. */
  signAssertion?: boolean;
  /** Sign the Response around it. Default true. At least one of the two must be on. */
  signResponse?: boolean;
  /**
   * Encrypt the (signed) Assertion wherever the SP's metadata offers an encryption
   * certificate (the broker's SP entity ID is its metadata URL), as Shibboleth does, then
   * sign the Response over the EncryptedAssertion. SPs without one get plaintext. Default false.
   */
  encryptAssertions?: boolean;
}

export interface SamlOptions {
  baseUrl: string;
  /** The broker whose SAML connections this IdP answers (see brokerSamlServiceProvider). */
  brokerUrl: string;
  responses?: SamlResponseOptions;
  /** Reads an SP's metadata from its entity ID (its URL at the broker); `fetch` by default. */
  spMetadata?: (entityId: string) => Promise<string>;
}

/** The SP's metadata as an IdP admin loads it from the SP's metadata URL (the broker's entity ID). */
async function fetchSpMetadata(entityId: string): Promise<string> {
  const response = await fetch(entityId, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`the SP metadata at ${entityId} answered ${response.status}`);
  return response.text();
}

/** A sign-in waiting for the user on our page. */
interface Interaction {
  sp: SamlServiceProvider;
  /** The AuthnRequest's ID, answered as InResponseTo; none for an IdP-initiated sign-in. */
  requestId?: string;
  /** Given back unchanged with the Response. */
  relayState?: string;
  expiresAt: number;
}

const newId = () => `_${randomBytes(20).toString('hex')}`;

/** The signed assertion's content: who signed in, for which SP, until when. */
export interface AssertionFacts {
  id: string;
  issuer: string;
  sp: SamlServiceProvider;
  requestId?: string;
  user: Pick<DevUser, 'email' | 'firstName' | 'lastName' | 'groups'>;
  issuedAt: Date;
  sessionIndex: string;
}

export function assertionXml({ id, issuer, sp, requestId, user, issuedAt, sessionIndex }: AssertionFacts): string {
  const now = issuedAt.toISOString();
  const until = new Date(issuedAt.getTime() + ASSERTION_LIFETIME).toISOString();
  const inResponseTo = requestId === undefined ? '' : ` InResponseTo="${escapeXml(requestId)}"`;
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
      .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  // A user without groups gets no `groups` attribute: an Attribute without values confuses SPs.
  const attributes = [
    attribute('email', [user.email]),
    attribute('firstName', [user.firstName]),
    attribute('lastName', [user.lastName]),
    ...(user.groups.length ? [attribute('groups', user.groups)] : []),
  ];
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${id}" Version="2.0" IssueInstant="${now}">` +
    `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${SAML.emailAddress}">${escapeXml(user.email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${inResponseTo} NotOnOrAfter="${until}" Recipient="${escapeXml(sp.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${now}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${escapeXml(sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now}" SessionIndex="${sessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

interface ResponseFacts {
  id: string;
  issuer: string;
  sp: SamlServiceProvider;
  requestId?: string;
  issuedAt: Date;
  /** Success with this assertion, or a failure status (top-level Responder, second-level code). */
  outcome: { assertion: string } | { failure: string; message: string };
}

function responseXml({ id, issuer, sp, requestId, issuedAt, outcome }: ResponseFacts): string {
  const inResponseTo = requestId === undefined ? '' : ` InResponseTo="${escapeXml(requestId)}"`;
  const status =
    'assertion' in outcome
      ? `<samlp:StatusCode Value="${SAML.success}"/>`
      : `<samlp:StatusCode Value="${SAML.responder}"><samlp:StatusCode Value="${outcome.failure}"/></samlp:StatusCode><samlp:StatusMessage>${escapeXml(outcome.message)}</samlp:StatusMessage>`;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${issuedAt.toISOString()}" Destination="${escapeXml(sp.acsUrl)}"${inResponseTo}>` +
    `<saml:Issuer>${escapeXml(issuer)}</saml:Issuer>` +
    `<samlp:Status>${status}</samlp:Status>` +
    ('assertion' in outcome ? outcome.assertion : '') +
    `</samlp:Response>`
  );
}

/** What we read from an AuthnRequest, beyond what samlify checks. */
interface AuthnRequestFacts {
  id: string;
  issuer: string;
  destination?: string;
  acsUrl?: string;
  protocolBinding?: string;
  /** It carries a signature: the redirect binding's `Signature` parameter, or an enveloped one. */
  signed: boolean;
}

/**
 * What the HTTP-Redirect binding signs: `SAMLRequest`, `RelayState` (if any) and `SigAlg`,
 * exactly as they are encoded in the URL (saml-bindings §3.4.4.1), not decoded and encoded again.
 */
function octetStringOf(url: string): string {
  const raw = new URL(url).search.slice(1).split('&');
  const take = (name: string) => raw.find((pair) => pair.startsWith(`${name}=`));
  return ['SAMLRequest', 'RelayState', 'SigAlg'].map(take).filter((pair): pair is string => pair !== undefined).join('&');
}

const authnRequestFields = [
  { key: 'request', localPath: ['AuthnRequest'], attributes: ['ID', 'Destination', 'AssertionConsumerServiceURL', 'ProtocolBinding'] },
  { key: 'issuer', localPath: ['AuthnRequest', 'Issuer'], attributes: [] },
];

const stringOrUndefined = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The metadata's first certificate for `use`, or undefined (samlify throws when the metadata has no KeyDescriptor at all). */
function certificateOf(metadata: ReturnType<typeof samlify.SPMetadata>, use: 'signing' | 'encryption'): string | undefined {
  try {
    return [metadata.getX509Certificate(use)].flat().find((cert): cert is string => typeof cert === 'string' && cert.length > 0);
  } catch {
    return undefined;
  }
}

/** PEM of a certificate body, as samlify takes an SP's certificates. */
const certificatePem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.replace(/\s+/g, '')}\n-----END CERTIFICATE-----`;

export function samlRoutes({ baseUrl, brokerUrl, responses = {}, spMetadata = fetchSpMetadata }: SamlOptions) {
  /** The SP's signing and encryption certificates come from its metadata, as an IdP admin would load it. */
  const spMetadataOf = async (sp: SamlServiceProvider) => samlify.SPMetadata(await spMetadata(sp.entityId));
  const info = samlIdpInfo(baseUrl);
  const sign = { assertion: responses.signAssertion ?? true, response: responses.signResponse ?? true };
  if (!sign.assertion && !sign.response) throw new Error('The dev SAML IdP signs the assertion, the response or both: not neither');

  const idpSettings = {
    entityID: info.entityId,
    signingCert: SAML_CERTIFICATE,
    privateKey: SAML_PRIVATE_KEY,
    requestSignatureAlgorithm: SAML.rsaSha256,
    nameIDFormat: [SAML.emailAddress],
    singleSignOnService: [
      { Binding: SAML.redirectBinding, Location: info.ssoUrl },
      { Binding: SAML.postBinding, Location: info.ssoUrl },
    ],
  };
  // An unsigned AuthnRequest is taken (the Response only ever goes to the SP's own ACS URL);
  // a signed one is verified by `verifying`, against the certificate of the SP's metadata.
  const idp = samlify.IdentityProvider({ ...idpSettings, wantAuthnRequestsSigned: false });
  const verifying = samlify.IdentityProvider({ ...idpSettings, wantAuthnRequestsSigned: true });
  // Encrypts the signed assertion, then signs the Response over the EncryptedAssertion.
  const encrypting = samlify.IdentityProvider({ ...idpSettings, wantAuthnRequestsSigned: false, isAssertionEncrypted: true, messageSigningOrder: 'encrypt-then-sign' });
  // samlify's request parsing wants the sending SP, but uses it only to check a signature (off,
  // above): any SP stands in, and we check the issuer ourselves once the request is read.
  const anySp = samlify.ServiceProvider({ entityID: 'urn:latchkey:dev-idp:any-sp' });

  const app = new Hono();
  const interactions = new Map<string, Interaction>();
  const sweep = setInterval(() => {
    for (const [uid, interaction] of interactions) if (interaction.expiresAt <= Date.now()) interactions.delete(uid);
  }, 60_000);
  sweep.unref();

  const refuse = (c: Context, title: string, message: string) => c.html(messagePage(brand, title, message), 400);
  const expired = (c: Context) => refuse(c, 'This sign-in has expired', 'Go back to the application and start again.');
  const current = (uid: string) => {
    const interaction = interactions.get(uid);
    return interaction && interaction.expiresAt > Date.now() ? interaction : undefined;
  };
  /** Takes the interaction once: a Response is sent for it at most once. */
  const take = (uid: string) => {
    const interaction = current(uid);
    interactions.delete(uid);
    return interaction;
  };
  const pageFor = (uid: string, extra: { email?: string; error?: string } = {}) =>
    signInPage({ brand, clientName: 'Latchkey', action: `${SAML_MOUNT}/interaction/${uid}/login`, cancelAction: `${SAML_MOUNT}/interaction/${uid}/cancel`, ...extra });

  function startSignIn(c: Context, interaction: Omit<Interaction, 'expiresAt'>) {
    const uid = randomBytes(20).toString('base64url');
    interactions.set(uid, { ...interaction, expiresAt: Date.now() + INTERACTION_LIFETIME });
    return c.redirect(`${SAML_MOUNT}/interaction/${uid}`, 303);
  }

  async function readAuthnRequest(binding: 'redirect' | 'post', message: Record<string, unknown>): Promise<AuthnRequestFacts | undefined> {
    try {
      const request = binding === 'redirect' ? { query: message } : { body: message };
      const { samlContent } = await idp.parseLoginRequest(anySp, binding, request);
      const extracted = samlify.Extractor.extract(samlContent, authnRequestFields);
      const fields = (extracted.request ?? {}) as Record<string, unknown>;
      const id = stringOrUndefined(fields.id);
      const issuer = stringOrUndefined(extracted.issuer);
      if (!id || !issuer) return undefined;
      const signed = binding === 'redirect' ? message.Signature !== undefined : /<([\w-]+:)?Signature[\s>]/.test(samlContent);
      return { id, issuer, destination: stringOrUndefined(fields.destination), acsUrl: stringOrUndefined(fields.assertionConsumerServiceUrl), protocolBinding: stringOrUndefined(fields.protocolBinding), signed };
    } catch {
      return undefined;
    }
  }

  /** A signed AuthnRequest's signature, checked against the signing certificate of the SP's metadata. */
  async function signatureHolds(sp: SamlServiceProvider, binding: 'redirect' | 'post', message: Record<string, unknown>, url: string): Promise<boolean> {
    try {
      const metadata = await spMetadataOf(sp);
      const signingCert = certificateOf(metadata, 'signing');
      if (!signingCert) return false;
      const signer = samlify.ServiceProvider({ entityID: sp.entityId, signingCert: certificatePem(signingCert), authnRequestsSigned: true });
      await verifying.parseLoginRequest(signer, binding, binding === 'redirect' ? { query: message, octetString: octetStringOf(url) } : { body: message });
      return true;
    } catch {
      return false;
    }
  }

  /** SP-initiated: checks the AuthnRequest against the broker's SP, then shows the sign-in page. */
  async function fromAuthnRequest(c: Context, binding: 'redirect' | 'post', message: Record<string, unknown>) {
    const request = await readAuthnRequest(binding, message);
    if (!request) return refuse(c, 'Sign-in request refused', 'The SAMLRequest is missing or is not a valid AuthnRequest.');
    const sp = brokerSamlServiceProvider(brokerUrl, request.issuer);
    if (!sp) return refuse(c, 'Unknown service provider', `${request.issuer} is not a SAML connection of the broker at ${brokerUrl}.`);
    if (request.signed && !(await signatureHolds(sp, binding, message, c.req.url))) {
      return refuse(c, 'Sign-in request refused', `The AuthnRequest's signature does not verify with the signing certificate in ${sp.entityId}.`);
    }
    // Never send a Response anywhere but the SP's own ACS URL, whatever the request names.
    if (request.acsUrl !== undefined && request.acsUrl !== sp.acsUrl) {
      return refuse(c, 'Sign-in request refused', `AssertionConsumerServiceURL ${request.acsUrl} is not ${sp.acsUrl}, the ACS URL of ${sp.entityId}.`);
    }
    if (request.protocolBinding !== undefined && request.protocolBinding !== SAML.postBinding) {
      return refuse(c, 'Sign-in request refused', `ProtocolBinding ${request.protocolBinding} is not supported: Responses go by HTTP-POST.`);
    }
    if (request.destination !== undefined && request.destination !== info.ssoUrl) {
      return refuse(c, 'Sign-in request refused', `The request's Destination ${request.destination} is not ${info.ssoUrl}.`);
    }
    return startSignIn(c, { sp, requestId: request.id, relayState: stringOrUndefined(message.RelayState) });
  }

  /** Signs a Response as configured (a failure has no assertion: its Response is signed) and base64-encodes it. */
  async function signedResponse(interaction: Interaction, outcome: ResponseFacts['outcome'], issuedAt = new Date()): Promise<string> {
    const id = newId();
    const xml = responseXml({ id, issuer: info.entityId, sp: interaction.sp, requestId: interaction.requestId, issuedAt, outcome });
    const hasAssertion = 'assertion' in outcome;
    // samlify reads which signatures to make from the SP entity: the assertion's when the SP
    // "wants assertions signed", the Response's when it "wants messages signed" (or no assertion is).
    const encryptionCert = hasAssertion && responses.encryptAssertions === true ? certificateOf(await spMetadataOf(interaction.sp), 'encryption') : undefined;
    const encrypt = encryptionCert !== undefined;
    const target = samlify.ServiceProvider({
      entityID: interaction.sp.entityId,
      assertionConsumerService: [{ Binding: SAML.postBinding, Location: interaction.sp.acsUrl }],
      wantAssertionsSigned: hasAssertion && sign.assertion,
      wantMessageSigned: sign.response || !hasAssertion,
      ...(encryptionCert ? { encryptCert: certificatePem(encryptionCert) } : {}),
    });
    const { context } = await (encrypt ? encrypting : idp).createLoginResponse(target, { extract: {} }, 'post', {}, { customTagReplacement: () => ({ id, context: xml }) });
    return context;
  }

  /** The HTTP-POST binding: a page that posts the Response (and RelayState, unchanged) to the ACS. */
  function postToAcs(c: Context, interaction: Interaction, samlResponse: string) {
    const html = autoPostPage({ brand, action: interaction.sp.acsUrl, fields: { SAMLResponse: samlResponse, RelayState: interaction.relayState } });
    return c.html(html, 200, { 'Content-Security-Policy': AUTO_POST_CSP });
  }

  app.get('/metadata', (c) => c.body(idp.getMetadata(), 200, { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8' }));

  app.get('/sso', (c) => fromAuthnRequest(c, 'redirect', c.req.query()));
  app.post('/sso', async (c) => fromAuthnRequest(c, 'post', await c.req.parseBody()));

  // IdP-initiated: an unsolicited Response (no InResponseTo, no RelayState) for an SP of the broker.
  app.get('/launch', (c) => {
    const entityId = c.req.query('sp') ?? '';
    const sp = brokerSamlServiceProvider(brokerUrl, entityId);
    if (!sp) return refuse(c, 'Unknown service provider', `${entityId || 'No sp parameter'}: not a SAML connection of the broker at ${brokerUrl}.`);
    return startSignIn(c, { sp });
  });

  app.get('/interaction/:uid', (c) => (current(c.req.param('uid')) ? c.html(pageFor(c.req.param('uid'))) : expired(c)));

  app.post('/interaction/:uid/login', async (c) => {
    const uid = c.req.param('uid');
    if (!current(uid)) return expired(c);
    const { email, user } = await readSignInForm(c);
    if (!user) return c.html(pageFor(uid, { email, error: 'Wrong email or password.' }), 401);
    const interaction = take(uid);
    if (!interaction) return expired(c);
    const issuedAt = new Date();
    const assertion = assertionXml({ id: newId(), issuer: info.entityId, sp: interaction.sp, requestId: interaction.requestId, user, issuedAt, sessionIndex: newId() });
    return postToAcs(c, interaction, await signedResponse(interaction, { assertion }, issuedAt));
  });

  app.post('/interaction/:uid/cancel', async (c) => {
    const interaction = take(c.req.param('uid'));
    if (!interaction) return expired(c);
    const samlResponse = await signedResponse(interaction, { failure: SAML.authnFailed, message: 'The user cancelled the sign-in.' });
    return postToAcs(c, interaction, samlResponse);
  });

  return app;
}
