import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { validate as validateSamlSchema } from '@authenio/samlify-xmllint-wasm';
import samlify from 'samlify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samlSignIn, startDevIdp, type DevIdp, type SamlPost } from './index.js';
import { readAutoPost } from './saml-sign-in.js';
import { assertionXml, SAML, SAML_CERTIFICATE } from './saml.js';
import { TestBrowser } from './test-browser.js';

// The broker's SP for connection con_test (DevIdpOptions.brokerUrl defaults to http://localhost:8787).
const spEntityId = 'http://localhost:8787/v1/saml/con_test/metadata';
const acsUrl = 'http://localhost:8787/v1/saml/con_test/acs';
const DSIG = { rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', sha256: 'http://www.w3.org/2001/04/xmlenc#sha256' };

let idp: DevIdp;
let metadataXml: string;
/** The dev IdP as an SP sees it: from its metadata only. */
let remoteIdp: ReturnType<typeof samlify.IdentityProvider>;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
  metadataXml = await (await fetch(idp.saml.metadataUrl)).text();
  remoteIdp = samlify.IdentityProvider({ metadata: metadataXml });
});
afterAll(() => idp.close());

function serviceProvider(acs = acsUrl, entityID = spEntityId) {
  return samlify.ServiceProvider({ entityID, assertionConsumerService: [{ Binding: SAML.postBinding, Location: acs }], wantAssertionsSigned: true });
}

/** An AuthnRequest made by samlify's SP, HTTP-Redirect binding: the URL the SP sends the browser to. */
function redirectAuthnRequest(relayState: string, sp = serviceProvider()) {
  const { id, context } = sp.createLoginRequest(remoteIdp, 'redirect', { relayState });
  return { id, url: context };
}

/** A hand-written AuthnRequest (HTTP-Redirect binding), for what samlify's SP would not send. */
function handMadeRequest(attributes: Record<string, string>, issuer = spEntityId) {
  const attrs = Object.entries({ ID: '_hand-made-1', Version: '2.0', IssueInstant: new Date().toISOString(), ...attributes })
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"${attrs}><saml:Issuer>${issuer}</saml:Issuer></samlp:AuthnRequest>`;
  return `${idp.saml.ssoUrl}?${new URLSearchParams({ SAMLRequest: deflateRawSync(xml).toString('base64'), RelayState: 'rs-hand' })}`;
}

const decode = (post: SamlPost) => Buffer.from(post.SAMLResponse, 'base64').toString('utf8');
const signatures = (xml: string) => [...xml.matchAll(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/g)].map((m) => m[0]);
const attribute = (xml: string, name: string) => new RegExp(`<saml:${name}\\b[^>]*>`).exec(xml)?.[0];

/** Verifies the Response as an SP would: signature against the metadata's certificate, issuer, time window. */
function verify(post: SamlPost, sp = serviceProvider()) {
  return sp.parseLoginResponse(remoteIdp, 'post', { body: { SAMLResponse: post.SAMLResponse } });
}

describe('SAML IdP metadata', () => {
  it('describes the IdP: entity ID, signing certificate, SSO for both bindings, email NameID', async () => {
    const response = await fetch(idp.saml.metadataUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    expect(idp.saml).toMatchObject({ entityId: `${idp.url}/saml/metadata`, metadataUrl: `${idp.url}/saml/metadata`, ssoUrl: `${idp.url}/saml/sso`, launchUrl: `${idp.url}/saml/launch` });

    const metadata = samlify.IdPMetadata(metadataXml);
    expect(metadata.getEntityID()).toBe(idp.saml.entityId);
    expect(metadata.getSingleSignOnService('redirect')).toBe(idp.saml.ssoUrl);
    expect(metadata.getSingleSignOnService('post')).toBe(idp.saml.ssoUrl);
    expect([metadata.getNameIDFormat()].flat()).toEqual([SAML.emailAddress]);
    expect(metadata.isWantAuthnRequestsSigned()).toBe(false);
    expect(metadataXml).toMatch(/^<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/);
    expect(metadataXml).toContain('<IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">');
    expect(metadataXml).toContain('<KeyDescriptor use="signing">');

    // The certificate in the metadata is the committed one, the one startDevIdp reports.
    const pemBody = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    expect(metadata.getX509Certificate('signing')).toBe(pemBody(idp.saml.certificate));
    expect(idp.saml.certificate).toBe(SAML_CERTIFICATE);
    expect(SAML_CERTIFICATE).toBe(readFileSync(new URL('../keys/saml-idp.crt', import.meta.url), 'utf8'));
    const certificate = new X509Certificate(SAML_CERTIFICATE);
    expect(certificate.subject).toBe('CN=Latchkey dev SAML IdP');
    expect(certificate.publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600 * 1000);
  });
});

describe('SAML SP-initiated sign-in', () => {
  it('signs bo in through the sign-in page and posts a signed Response to the ACS (HTTP-Redirect binding)', async () => {
    const request = redirectAuthnRequest('rs-redirect-1');
    const browser = new TestBrowser(idp.url);
    const signIn = await browser.navigate(request.url);
    expect(signIn.left).toBeUndefined();
    expect(signIn.response.status).toBe(200);
    const page = await signIn.response.text();
    expect(page).toContain('<label for="email">Email</label>');
    expect(page).toContain('<label for="password">Password</label>');
    expect(page).toContain('>Continue</button>');
    expect(page).toContain('>Cancel</button>');
    expect(page).not.toContain('<script');

    const { response } = await browser.submit(page, { email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(response.status).toBe(200);
    const autoPost = await response.text();
    const post = readAutoPost(autoPost)!;
    expect(post.acsUrl).toBe(acsUrl);
    expect(post.RelayState).toBe('rs-redirect-1');
    // The page submits itself with its one script, which the page's own CSP allows by its hash.
    const script = /<script>([^<]*)<\/script>/.exec(autoPost)![1]!;
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);

    const xml = decode(post);
    await expect(validateSamlSchema(xml)).resolves.toBe(true);
    const { extract } = await verify(post);
    expect(extract.issuer).toBe(idp.saml.entityId);
    expect(extract.response).toMatchObject({ destination: acsUrl, inResponseTo: request.id });
    expect(extract.audience).toBe(spEntityId);
    expect(extract.nameID).toBe('bo@globex.test');
    expect(extract.attributes).toEqual({ email: 'bo@globex.test', firstName: 'Bo', lastName: 'Globex', groups: 'admins' });

    expect(attribute(xml, 'NameID')).toBe(`<saml:NameID Format="${SAML.emailAddress}">`);
    expect(attribute(xml, 'SubjectConfirmation')).toBe('<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">');
    const confirmation = attribute(xml, 'SubjectConfirmationData')!;
    expect(confirmation).toContain(`Recipient="${acsUrl}"`);
    expect(confirmation).toContain(`InResponseTo="${request.id}"`);
    const notOnOrAfter = Date.parse(/NotOnOrAfter="([^"]+)"/.exec(confirmation)![1]!);
    expect(notOnOrAfter - Date.now()).toBeGreaterThan(4 * 60 * 1000);
    expect(notOnOrAfter - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const conditions = attribute(xml, 'Conditions')!;
    expect(Date.parse(/NotBefore="([^"]+)"/.exec(conditions)![1]!)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(/NotOnOrAfter="([^"]+)"/.exec(conditions)![1]!)).toBe(notOnOrAfter);
    expect(xml).toContain('<saml:AuthnStatement ');
  });

  it('signs both the Response and the assertion with RSA-SHA256 and SHA-256 digests, and each signature holds alone', async () => {
    const post = await samlSignIn(idp, { authnRequestUrl: redirectAuthnRequest('rs').url, email: 'ana@acme.test', password: 'latchkey-dev' });
    const xml = decode(post);
    const [responseSignature, assertionSignature] = signatures(xml);
    const responseId = /<samlp:Response [^>]*ID="([^"]+)"/.exec(xml)![1];
    const assertionId = /<saml:Assertion [^>]*ID="([^"]+)"/.exec(xml)![1];
    expect(signatures(xml)).toHaveLength(2);
    expect(responseSignature).toContain(`<ds:Reference URI="#${responseId}">`);
    expect(assertionSignature).toContain(`<ds:Reference URI="#${assertionId}">`);
    for (const signature of [responseSignature!, assertionSignature!]) {
      expect(signature).toContain(`<ds:SignatureMethod Algorithm="${DSIG.rsaSha256}"/>`);
      expect(signature).toContain(`<ds:DigestMethod Algorithm="${DSIG.sha256}"/>`);
    }
    // The assertion's signature alone is enough for an SP that checks only that one.
    const withoutResponseSignature = xml.replace(responseSignature!, '');
    const { extract } = await verify({ ...post, SAMLResponse: Buffer.from(withoutResponseSignature).toString('base64') });
    expect(extract.nameID).toBe('ana@acme.test');
    expect(extract.attributes).toMatchObject({ groups: 'engineering' });
    // And any change to what was signed breaks them.
    const forged = withoutResponseSignature.replace('>ana@acme.test</saml:NameID>', '>bo@globex.test</saml:NameID>');
    await expect(verify({ ...post, SAMLResponse: Buffer.from(forged).toString('base64') })).rejects.toThrow();
  });

  it('accepts the HTTP-POST binding and gives RelayState back unchanged', async () => {
    const { id, context, relayState } = serviceProvider().createLoginRequest(remoteIdp, 'post', { relayState: 'rs post/+=&"' }) as { id: string; context: string; relayState: string };
    const post = await samlSignIn(idp, { authnRequestForm: { SAMLRequest: context, RelayState: relayState }, email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(post.RelayState).toBe('rs post/+=&"');
    expect(post.acsUrl).toBe(acsUrl);
    const { extract } = await verify(post);
    expect(extract.response).toMatchObject({ inResponseTo: id, destination: acsUrl });
  });

  it('shows the page again with an error for a wrong password, and sends no Response', async () => {
    const browser = new TestBrowser(idp.url);
    const page = await (await browser.navigate(redirectAuthnRequest('rs').url)).response.text();
    const { response } = await browser.submit(page, { email: 'bo@globex.test', password: 'wrong' });
    expect(response.status).toBe(401);
    const again = await response.text();
    expect(again).toContain('Wrong email or password.');
    expect(again).toContain('value="bo@globex.test"');
    expect(again).not.toContain('SAMLResponse');
    // The interaction still stands; once it has answered, it is gone.
    const retry = await browser.submit(again, { email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(readAutoPost(await retry.response.text())).toBeDefined();
    const replay = await browser.submit(again, { email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(replay.response.status).toBe(400);
    expect(await replay.response.text()).toContain('This sign-in has expired');
    await expect(samlSignIn(idp, { authnRequestUrl: redirectAuthnRequest('rs').url, email: 'bo@globex.test', password: 'nope' })).rejects.toThrow(/Wrong email or password/);
  });

  it('answers Cancel with a signed Responder / AuthnFailed Response to the ACS', async () => {
    const request = redirectAuthnRequest('rs-cancel');
    const post = await samlSignIn(idp, { authnRequestUrl: request.url, email: '', password: '', cancel: true });
    expect(post).toMatchObject({ acsUrl, RelayState: 'rs-cancel' });
    const xml = decode(post);
    await expect(validateSamlSchema(xml)).resolves.toBe(true);
    expect(xml).toContain(`<samlp:StatusCode Value="${SAML.responder}"><samlp:StatusCode Value="${SAML.authnFailed}"/></samlp:StatusCode>`);
    expect(xml).not.toContain('<saml:Assertion');
    expect(/<samlp:Response [^>]*>/.exec(xml)![0]).toContain(`InResponseTo="${request.id}"`);
    expect(signatures(xml)).toHaveLength(1);
    await expect(verify(post)).rejects.toThrow(`ERR_FAILED_STATUS with top tier code: ${SAML.responder}, second tier code: ${SAML.authnFailed}`);
  });

  it('refuses an AssertionConsumerServiceURL that is not the ACS of the SP', async () => {
    for (const url of [
      redirectAuthnRequest('rs', serviceProvider('http://evil.test/v1/saml/con_test/acs')).url,
      redirectAuthnRequest('rs', serviceProvider('http://localhost:8787/v1/saml/con_other/acs')).url,
      handMadeRequest({ AssertionConsumerServiceURL: `${acsUrl}?next=elsewhere` }),
    ]) {
      const { response, left } = await new TestBrowser(idp.url).navigate(url);
      expect(left).toBeUndefined();
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain('Sign-in request refused');
      expect(page).toContain('AssertionConsumerServiceURL');
    }
    await expect(samlSignIn(idp, { authnRequestUrl: handMadeRequest({ AssertionConsumerServiceURL: 'http://evil.test/acs' }), email: 'bo@globex.test', password: 'latchkey-dev' })).rejects.toThrow(/refused the sign-in \(400\)/);
  });

  it('refuses an SP outside the broker pattern, another Destination, another ProtocolBinding, and what is no AuthnRequest', async () => {
    const refusals: [string, string][] = [
      [handMadeRequest({}, 'http://evil.test/v1/saml/con_test/metadata'), 'is not a SAML connection of the broker at http://localhost:8787'],
      [handMadeRequest({}, 'http://localhost:8787/v1/saml/con_test/acs'), 'is not a SAML connection'],
      [handMadeRequest({}, 'http://localhost:8787/v1/saml/a/b/metadata'), 'is not a SAML connection'],
      [handMadeRequest({ Destination: 'http://127.0.0.1:1/saml/sso' }), 'Destination'],
      [handMadeRequest({ ProtocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact' }), 'ProtocolBinding'],
      [`${idp.saml.ssoUrl}?SAMLRequest=bm90IHhtbA`, 'not a valid AuthnRequest'],
      // Well-formed, but not what the SAML schema allows (samlify checks it with xmllint).
      [handMadeRequest({ IssueInstant: 'yesterday' }), 'not a valid AuthnRequest'],
      [idp.saml.ssoUrl, 'not a valid AuthnRequest'],
    ];
    for (const [url, message] of refusals) {
      const { response } = await new TestBrowser(idp.url).navigate(url);
      expect(response.status, url).toBe(400);
      expect(await response.text()).toContain(message);
    }
    // A well-formed request that names everything right goes through.
    const fine = await samlSignIn(idp, { authnRequestUrl: handMadeRequest({ Destination: idp.saml.ssoUrl, AssertionConsumerServiceURL: acsUrl, ProtocolBinding: SAML.postBinding }), email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(fine.RelayState).toBe('rs-hand');
    expect((await verify(fine)).extract.response).toMatchObject({ inResponseTo: '_hand-made-1' });
  });
});

describe('SAML IdP-initiated sign-in', () => {
  it('posts an unsolicited Response (no InResponseTo, no RelayState) to the ACS of the SP', async () => {
    const post = await samlSignIn(idp, { spEntityId, email: 'bo@globex.test', password: 'latchkey-dev' });
    expect(post.acsUrl).toBe(acsUrl);
    expect(post.RelayState).toBeUndefined();
    const xml = decode(post);
    await expect(validateSamlSchema(xml)).resolves.toBe(true);
    expect(xml).not.toContain('InResponseTo');
    const { extract } = await verify(post);
    expect(extract.response).toMatchObject({ destination: acsUrl });
    expect(extract.audience).toBe(spEntityId);
    expect(extract.nameID).toBe('bo@globex.test');
    expect(extract.attributes).toMatchObject({ groups: 'admins' });
  });

  it('refuses an SP entity ID outside the broker pattern', async () => {
    for (const sp of ['http://evil.test/v1/saml/con_test/metadata', 'http://localhost:8787/v1/saml/con_test/acs', 'http://localhost:8787/v1/saml/con_test/metadata/x', '']) {
      const { response, left } = await new TestBrowser(idp.url).navigate(`${idp.saml.launchUrl}?${new URLSearchParams({ sp })}`);
      expect(left).toBeUndefined();
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Unknown service provider');
    }
    await expect(samlSignIn(idp, { spEntityId: 'http://evil.test/v1/saml/con_test/metadata', email: 'bo@globex.test', password: 'latchkey-dev' })).rejects.toThrow(/Unknown service provider|not a SAML connection/);
  });
});

describe('SAML signing options and attributes', () => {
  it('signs only the Response, or only the assertion, when told; never neither', async () => {
    for (const [saml, count, signed] of [
      [{ signAssertion: false }, 1, 'Response'],
      [{ signResponse: false }, 1, 'Assertion'],
    ] as const) {
      const other = await startDevIdp({ port: 0, saml });
      try {
        const post = await samlSignIn(other, { spEntityId, email: 'ana@acme.test', password: 'latchkey-dev' });
        const xml = decode(post);
        expect(signatures(xml)).toHaveLength(count);
        const signedId = new RegExp(`<(?:samlp|saml):${signed} [^>]*ID="([^"]+)"`).exec(xml)![1];
        expect(signatures(xml)[0]).toContain(`URI="#${signedId}"`);
        const otherIdp = samlify.IdentityProvider({ metadata: await (await fetch(other.saml.metadataUrl)).text() });
        const sp = samlify.ServiceProvider({ entityID: spEntityId, assertionConsumerService: [{ Binding: SAML.postBinding, Location: acsUrl }] });
        expect((await sp.parseLoginResponse(otherIdp, 'post', { body: { SAMLResponse: post.SAMLResponse } })).extract.nameID).toBe('ana@acme.test');
      } finally {
        await other.close();
      }
    }
    await expect(startDevIdp({ port: 0, saml: { signAssertion: false, signResponse: false } })).rejects.toThrow(/not neither/);
  });

  it('sends every group as its own AttributeValue, and no groups attribute for a user without groups', () => {
    const facts = { id: '_a', issuer: 'http://idp.test/saml/metadata', sp: { entityId: spEntityId, acsUrl }, issuedAt: new Date(), sessionIndex: '_s' };
    const many = assertionXml({ ...facts, user: { email: 'x@acme.test', firstName: 'X', lastName: 'Y', groups: ['admins', 'r&d <team>'] } });
    expect(many).toContain(
      '<saml:Attribute Name="groups" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">admins</saml:AttributeValue><saml:AttributeValue xsi:type="xs:string">r&amp;d &lt;team&gt;</saml:AttributeValue></saml:Attribute>',
    );
    const none = assertionXml({ ...facts, user: { email: 'cy@devhub.test', firstName: 'Cy', lastName: 'Devhub', groups: [] } });
    expect(none).not.toContain('Name="groups"');
    expect(none).toContain('Name="email"');
  });
});
