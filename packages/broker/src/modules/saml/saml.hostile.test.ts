import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { APP_ORIGIN, BROKER_URL, rowCounts, storageKinds, testBroker, testClock, useTestBroker } from '../../test/harness.js';
import {
  anotherKey,
  authnRequestIdOf,
  encodeResponse,
  encryptAssertionIn,
  IDP_CERTIFICATE,
  IDP_CERTIFICATE_DER,
  NS,
  SAML_VALUES,
  samlId,
  samlResponse,
  signRoot,
  wrapSignature,
  type ResponseOptions,
  type SamlParties,
  type XswVariant,
} from '../../test/saml-responses.js';
import { findConnection, type SamlConnectionConfig } from '../../storage/queries/index.js';
import { createPostgresStorage } from '../../storage/postgres.js';
import { mapSubject } from './config.js';
import { samlFor, validateResponse } from './sp.js';

/**
 * Hostile SAML responses at the ACS (issue 22): node-saml is necessary, not
 * sufficient. Each response here is crafted by hand (test/saml-responses.ts)
 * from one that signs bo@globex.test in (the positive control), changed in
 * one way. Every one must be refused: `saml_rejected` (or, when it names a
 * real open request, an `idp-error` with a reference for that request's
 * browser), no session, and the reason recorded for the organization's admins.
 */

/** The IdP the connection trusts (made by hand: entity ID, SSO URL, the dev IdP's committed certificate). */
const IDP = { entityId: 'https://idp.globex.test/saml/metadata', ssoUrl: 'https://idp.globex.test/saml/sso' };
const MINUTE = 60_000;

describe.each(storageKinds)('SAML hostile responses (%s)', (kind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, clock: testClock(Date.now()) });
  // node-saml reads the wall clock: every test starts with the broker's clock on it.
  beforeEach(() => ctx.broker.clock.advance(Date.now() - ctx.broker.clock.now().getTime()));
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);
  const now = () => ctx.broker.clock.now();
  type Browser = Pick<typeof ctx.broker, 'call' | 'get' | 'post' | 'cookies'>;

  /** Globex (verified domain globex.test) with a SAML connection made by hand. */
  async function globex(connection: Record<string, unknown> = {}) {
    const org = (await admin('POST', '/organizations', { name: 'Globex' })).body;
    expect((await admin('POST', `/organizations/${org.id}/domains`, { domain: 'globex.test' })).status).toBe(201);
    const created = await admin('POST', `/organizations/${org.id}/connections`, {
      type: 'saml',
      entity_id: IDP.entityId,
      sso_url: IDP.ssoUrl,
      certificates: [IDP_CERTIFICATE_DER],
      group_roles: { admins: 'admin' },
      ...connection,
    });
    expect(created.status).toBe(201);
    const parties: SamlParties = { acsUrl: created.body.acs_url, spEntityId: created.body.sp_entity_id, idpEntityId: IDP.entityId };
    return { org, connection: created.body as { id: string; acs_url: string; sp_entity_id: string }, parties };
  }

  /** bo@globex.test starts signing in in `browser`: the ID of the AuthnRequest the broker sent to the IdP. */
  async function startRequest(browser: Browser = ctx.broker): Promise<string> {
    const step = (await browser.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body;
    expect(step).toMatchObject({ step: 'sso-redirect', to: { kind: 'sso', name: 'Globex' } });
    return authnRequestIdOf(step.url);
  }

  /** Globex and an open request from the main browser; the response is the test's to make. */
  async function openRequest(connection: Record<string, unknown> = {}) {
    const made = await globex(connection);
    return { ...made, requestId: await startRequest() };
  }

  /** Globex, an open request from the main browser, and the response `options` make for it. */
  async function trip(options: ResponseOptions = {}, connection: Record<string, unknown> = {}) {
    const opened = await openRequest(connection);
    return { ...opened, xml: samlResponse(opened.parties, now(), opened.requestId, options) };
  }

  /** The IdP's form POST, as a browser sends it from the IdP's page: cross-site, no cookies. */
  const postToAcs = (parties: SamlParties, xml: string, broker: Browser = ctx.broker) =>
    broker.call('POST', new URL(parties.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: encodeResponse(xml) }).toString(),
    });

  type AcsAnswer = Awaited<ReturnType<typeof postToAcs>>;

  /**
   * The ACS refused `acs`: 400 `saml_rejected`, or a 303 back to the page of the browser whose
   * open request it named, which hears `idp-error` with the reference. The reason is recorded
   * under that reference; nothing waits at the finish; no session, user or identity anywhere.
   */
  async function expectRefused(acs: AcsAnswer, expected: { reason?: string; detail?: RegExp } = {}, browser: Browser = ctx.broker) {
    expect(acs.setCookies).toEqual([]);
    let reference: string;
    if (acs.status === 303) {
      expect(acs.headers.get('location')).toBe(`${APP_ORIGIN}/sign-in?lk_resume=1`);
      const flow = (await browser.get('/v1/sign-in/flow')).body;
      expect(flow).toMatchObject({ step: 'idp-error', reason: 'idp_error', to: { kind: 'sso', name: 'Globex' } });
      reference = flow.reference;
    } else {
      expect([acs.status, acs.body.code]).toEqual([400, 'saml_rejected']);
      reference = /reference (\S+)/.exec(acs.body.detail)?.[1] ?? '';
    }
    const [rejection] = await ctx.storage.query<{ reason: string; detail: string }>('SELECT reason, detail FROM connection_rejections WHERE reference = $1', [reference]);
    expect(rejection, `a rejection recorded under ${reference}`).toBeDefined();
    if (expected.reason) expect(rejection).toMatchObject({ reason: expected.reason });
    if (expected.detail) expect(rejection!.detail).toMatch(expected.detail);
    expect((await browser.get('/v1/saml/finish')).body.code).toBe('no_flow');
    expect(browser.cookies.has('lk_session')).toBe(false);
    expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0, users: 0, identities: 0 });
    return rejection!;
  }

  /** The ACS took `acs`; the finish in `browser` opens a session for `email`. */
  async function expectSignedIn(acs: AcsAnswer, email: string, browser: Browser = ctx.broker) {
    expect([acs.status, acs.headers.get('location')]).toEqual([303, `${BROKER_URL}/v1/saml/finish`]);
    const finish = await browser.get('/v1/saml/finish');
    expect([finish.status, finish.headers.get('location')]).toEqual([303, `${APP_ORIGIN}/sign-in?lk_resume=1`]);
    expect((await browser.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email } });
    expect(browser.cookies.has('lk_session')).toBe(true);
  }

  /** The ACS took `acs` (the signature and every check held), and the finish refused its identity as not linkable. */
  async function expectNotLinkable(acs: AcsAnswer, browser: Browser = ctx.broker) {
    expect([acs.status, acs.headers.get('location')]).toEqual([303, `${BROKER_URL}/v1/saml/finish`]);
    const finish = await browser.get('/v1/saml/finish');
    expect([finish.status, finish.headers.get('location'), finish.setCookies.some((c) => c.startsWith('lk_session='))]).toEqual([303, `${APP_ORIGIN}/sign-in?lk_resume=1`, false]);
    const flow = (await browser.get('/v1/sign-in/flow')).body;
    expect(flow).toMatchObject({ step: 'idp-error', reason: 'not_linkable', reference: expect.stringMatching(/^rej_/) });
    // Kept for the organization's admins under the reference the user is shown.
    const [kept] = await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections WHERE reference = $1', [flow.reference]);
    expect(kept?.reason).toBe('not_linkable');
    expect(browser.cookies.has('lk_session')).toBe(false);
    expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0, users: 0, identities: 0 });
  }

  describe('positive controls: the builder signs in when untouched', () => {
    it('a response with a signed assertion signs bo@globex.test in, as admin of Globex', async () => {
      const { org, parties, xml } = await trip();
      await expectSignedIn(await postToAcs(parties, xml), 'bo@globex.test');
      expect((await ctx.broker.get('/v1/sign-in/flow')).body.code).toBe('no_flow');
      const [membership] = await ctx.storage.query<{ org_id: string; role: string }>('SELECT org_id, role FROM memberships');
      expect(membership).toEqual({ org_id: org.id, role: 'admin' });
      expect(await ctx.storage.query('SELECT reason FROM connection_rejections')).toEqual([]);
    });

    it('a signed response around a signed assertion signs in where the connection wants the response signed', async () => {
      const { parties, xml } = await trip({ signResponse: {} }, { want_response_signed: true });
      await expectSignedIn(await postToAcs(parties, xml), 'bo@globex.test');
    });

    it('an IdP-initiated response signs in where the connection allows it', async () => {
      const { parties } = await globex({ idp_initiated: true });
      const acs = await postToAcs(parties, samlResponse(parties, now(), null));
      expect(acs.status).toBe(303);
      const location = new URL(acs.headers.get('location')!);
      const browser = ctx.broker.browser();
      expect((await browser.get(`${location.pathname}${location.search}`)).status).toBe(303);
      expect((await browser.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' } });
    });
  });

  describe('XML signature wrapping: the attacker copies a signed response for bo@globex.test and names eve@globex.test', () => {
    const variants: XswVariant[] = [1, 2, 3, 4, 5, 6, 7, 8];
    it.each(variants)('XSW%i is refused (one assertion only), and eve is never signed in', async (variant) => {
      // XSW1–2 wrap a signed Response (on a connection that relies on it), XSW3–8 a signed Assertion.
      const responseLevel = variant <= 2;
      const { connection, parties, xml } = await trip(responseLevel ? { signResponse: {} } : {}, responseLevel ? { want_response_signed: true } : {});
      const wrapped = wrapSignature(xml, variant, 'eve@globex.test');
      expect(wrapped).toContain('eve@globex.test');
      // A second layer: node-saml by itself, without the broker's count, does not take eve either.
      const saml = (await findConnection(ctx.storage, connection.id))!.config as SamlConnectionConfig;
      const alone = await samlFor(ctx.broker.deps.config, connection.id, saml)
        .validatePostResponseAsync({ SAMLResponse: encodeResponse(wrapped) })
        .then(({ profile }) => profile?.nameID, (error: Error) => `refused: ${error.message}`);
      expect(alone).not.toBe('eve@globex.test');
      await expectRefused(await postToAcs(parties, wrapped), { reason: 'assertion_count' });
    });

    it('a second, separately signed assertion for eve next to bo’s is refused', async () => {
      const { parties, requestId, xml } = await trip();
      const eve = samlResponse(parties, now(), requestId, { assertion: { nameId: 'eve@globex.test', attributes: { email: ['eve@globex.test'] } } });
      const evilAssertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(eve)![0];
      const two = xml.replace('</samlp:Response>', `${evilAssertion}</samlp:Response>`);
      await expectRefused(await postToAcs(parties, two), { reason: 'assertion_count' });
    });

    it('an EncryptedAssertion next to the signed one is refused', async () => {
      const { parties, xml } = await trip();
      const two = xml.replace('</samlp:Response>', `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion></samlp:Response>`);
      await expectRefused(await postToAcs(parties, two), { reason: 'assertion_count' });
    });
  });

  describe('comments in the NameID', () => {
    it('a comment slipped into a signed NameID (bo@globex.test<!---->.evil.test) keeps its full text: never bo@globex.test', async () => {
      const { connection, parties, requestId } = await openRequest();
      // The IdP signs bo@globex.test.evil.test (the attacker's own account there); a comment is not signed (exclusive c14n), so it survives.
      const full = 'bo@globex.test.evil.test';
      const xml = samlResponse(parties, now(), requestId, {
        assertion: { nameId: full, attributes: { email: [full], firstName: ['Bo'], lastName: ['Evil'] } },
        hooks: { signedAssertion: (signed) => signed.replaceAll(`>${full}<`, '>bo@globex.test<!---->.evil.test<') },
      });
      expect(xml).toContain('bo@globex.test<!---->.evil.test</saml:NameID>');
      // What the broker reads from it: the full text, as signed.
      const saml = (await findConnection(ctx.storage, connection.id))!.config as SamlConnectionConfig;
      const validated = await validateResponse(ctx.broker.deps.config, connection.id, saml, encodeResponse(xml), now());
      expect(mapSubject(saml, validated.profile)).toMatchObject({ nameId: full, email: full });
      // At the ACS: taken (the signature holds), and refused at the finish: globex.test.evil.test is no verified domain.
      await expectNotLinkable(await postToAcs(parties, xml));
    });

    it('a correctly signed NameID holding a comment maps to its full text, not the part before the comment', async () => {
      const { connection, parties, requestId } = await openRequest();
      const xml = samlResponse(parties, now(), requestId, {
        assertion: { attributes: { firstName: ['Bo'] } },
        // The IdP's own XML has the comment when it signs (signed without it: exclusive c14n drops comments).
        hooks: { assertion: (unsigned) => unsigned.replace('>bo@globex.test</saml:NameID>', '>bo@globex.test<!-- a comment -->.evil.test</saml:NameID>') },
      });
      const saml = (await findConnection(ctx.storage, connection.id))!.config as SamlConnectionConfig;
      const validated = await validateResponse(ctx.broker.deps.config, connection.id, saml, encodeResponse(xml), now());
      // No email attribute: the address is the NameID's, all of it.
      expect(mapSubject(saml, validated.profile)).toMatchObject({ nameId: 'bo@globex.test.evil.test', email: 'bo@globex.test.evil.test' });
      await expectNotLinkable(await postToAcs(parties, xml));
    });

    it('rewriting a signed NameID around a comment (eve’s assertion made to read bo@globex.test) breaks the signature', async () => {
      const { parties, requestId } = await openRequest();
      const xml = samlResponse(parties, now(), requestId, {
        assertion: { nameId: 'eve@globex.test', attributes: { email: ['eve@globex.test'] } },
        hooks: { signedAssertion: (signed) => signed.replaceAll('>eve@globex.test<', '>bo@globex.test<!--eve@globex.test--><') },
      });
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });
  });

  describe('signatures', () => {
    it('refuses a response signed nowhere', async () => {
      const { parties, xml } = await trip({ signAssertion: false });
      expect(xml).not.toContain('Signature');
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });

    it('refuses an unsigned assertion inside a signed response (assertions must be signed)', async () => {
      const { parties, xml } = await trip({ signAssertion: false, signResponse: {} });
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });

    it('refuses an unsigned response where the connection wants it signed, though its assertion is signed', async () => {
      const { parties, xml } = await trip({}, { want_response_signed: true });
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });

    it('refuses an assertion signed by another key, even with the trusted certificate in its KeyInfo', async () => {
      const { parties, xml } = await trip({ signAssertion: { key: anotherKey(), certificate: IDP_CERTIFICATE } });
      expect(xml).toContain('<ds:X509Certificate>');
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });

    it('refuses a signed assertion changed after signing', async () => {
      const { parties, xml } = await trip({ hooks: { signedAssertion: (signed) => signed.replace('<saml:AttributeValue xsi:type="xs:string">admins<', '<saml:AttributeValue xsi:type="xs:string">owners<') } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'signature' });
    });

    it('refuses a SHA-1 signature', async () => {
      const { parties, xml } = await trip({ signAssertion: { signatureAlgorithm: 'sha1' } });
      expect(xml).toContain('xmldsig#rsa-sha1');
      await expectRefused(await postToAcs(parties, xml), { reason: 'sha1' });
    });

    it('refuses an HMAC signature keyed with the IdP’s public certificate (algorithm confusion)', async () => {
      const { parties, xml } = await trip({ signAssertion: { signatureAlgorithm: 'hmac-sha1' } });
      expect(xml).toContain('xmldsig#hmac-sha1');
      await expectRefused(await postToAcs(parties, xml), { reason: 'sha1' });
    });

    it('refuses a SHA-1 digest under a SHA-256 signature', async () => {
      const { parties, xml } = await trip({ signAssertion: { digestAlgorithm: 'sha1' } });
      expect(xml).toContain('xmldsig#sha1');
      expect(xml).toContain('xmldsig-more#rsa-sha256');
      await expectRefused(await postToAcs(parties, xml), { reason: 'sha1' });
    });
  });

  describe('time', () => {
    it('refuses an expired assertion (beyond the 60 s clock skew)', async () => {
      const issued = new Date(now().getTime() - 10 * MINUTE);
      const until = new Date(now().getTime() - 2 * MINUTE);
      const { parties, xml } = await trip({ assertion: { issueInstant: issued, authnInstant: issued, notBefore: issued, notOnOrAfter: until, confirmationNotOnOrAfter: until } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'expired', detail: /expired/i });
    });

    it('refuses an assertion whose confirmation expired though its conditions still hold', async () => {
      const { parties, xml } = await trip({ assertion: { confirmationNotOnOrAfter: new Date(now().getTime() - 2 * MINUTE) } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses a bearer confirmation without an expiry', async () => {
      const { parties, xml } = await trip({ assertion: { confirmationNotOnOrAfter: null } });
      await expectRefused(await postToAcs(parties, xml), { detail: /NotOnOrAfter/ });
    });

    it('refuses an assertion with no expiry at all', async () => {
      const { parties, xml } = await trip({ assertion: { confirmationNotOnOrAfter: null, notOnOrAfter: null } });
      expect(xml).not.toContain('NotOnOrAfter');
      await expectRefused(await postToAcs(parties, xml), { detail: /NotOnOrAfter/ });
    });

    it('refuses a not-yet-valid assertion (NotBefore beyond the clock skew)', async () => {
      const { parties, xml } = await trip({ assertion: { notBefore: new Date(now().getTime() + 2 * MINUTE) } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'not_yet_valid', detail: /not yet valid/i });
    });

    it('refuses an assertion issued in the future (IssueInstant beyond the clock skew)', async () => {
      const { parties, xml } = await trip({ assertion: { issueInstant: new Date(now().getTime() + 5 * MINUTE) } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'issue_instant' });
    });

    it('refuses a response issued in the future', async () => {
      const { parties, xml } = await trip({ response: { issueInstant: new Date(now().getTime() + 5 * MINUTE) } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'issue_instant' });
    });

    it('honours a connection’s own, smaller clock skew', async () => {
      const until = new Date(now().getTime() - 30_000);
      const { parties, xml } = await trip({ assertion: { notOnOrAfter: until, confirmationNotOnOrAfter: until } }, { clock_skew_seconds: 10 });
      await expectRefused(await postToAcs(parties, xml), { detail: /expired/i });
    });
  });

  describe('addressing: audience, destination, recipient, issuer', () => {
    it('refuses a wrong audience', async () => {
      const { parties, xml } = await trip({ assertion: { audience: 'https://another-sp.example/metadata' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'audience', detail: /audience/i });
    });

    it('refuses a wrong Destination', async () => {
      const { parties, xml } = await trip({ response: { destination: 'https://another-sp.example/acs' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'destination' });
    });

    it('refuses a missing Destination', async () => {
      const { parties, xml } = await trip({ response: { destination: null } });
      expect(xml).not.toContain('Destination=');
      await expectRefused(await postToAcs(parties, xml), { reason: 'destination' });
    });

    it('refuses a response meant for another connection’s ACS on this broker', async () => {
      const { org, parties, requestId } = await openRequest();
      const other = await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', entity_id: IDP.entityId, sso_url: IDP.ssoUrl, certificates: [IDP_CERTIFICATE_DER], name: 'Globex (staging)' });
      expect(other.status).toBe(201);
      const xml = samlResponse(parties, now(), requestId, { response: { destination: other.body.acs_url } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'destination' });
    });

    it('refuses a wrong Recipient', async () => {
      const { parties, xml } = await trip({ assertion: { recipient: 'https://another-sp.example/acs' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses a missing Recipient', async () => {
      const { parties, xml } = await trip({ assertion: { recipient: null } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses a wrong Issuer on the response', async () => {
      const { parties, xml } = await trip({ response: { issuer: 'https://evil.test/idp' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'issuer' });
    });

    it('refuses a wrong Issuer on the assertion', async () => {
      const { parties, xml } = await trip({ assertion: { issuer: 'https://evil.test/idp' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'issuer' });
    });

    it('refuses an assertion without an Issuer', async () => {
      const { parties, xml } = await trip({ assertion: { issuer: null } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'issuer' });
    });
  });

  describe('requests and replay', () => {
    it('refuses an InResponseTo the broker never issued', async () => {
      const { parties } = await globex();
      await startRequest();
      const never = samlId('request');
      await expectRefused(await postToAcs(parties, samlResponse(parties, now(), never)), { reason: 'in_response_to' });
      // The real request is still open: the browser was told nothing.
      expect((await ctx.broker.get('/v1/sign-in/flow')).body.step).not.toBe('idp-error');
    });

    it('refuses a response naming one request around an assertion confirmed for another', async () => {
      const { parties, requestId } = await trip();
      const other = await startRequest(ctx.broker.browser());
      const xml = samlResponse(parties, now(), requestId, { assertion: { inResponseTo: other } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses an unsolicited assertion (no InResponseTo) smuggled into a response to an open request', async () => {
      const { parties, requestId } = await trip({}, { idp_initiated: true });
      const xml = samlResponse(parties, now(), requestId, { assertion: { inResponseTo: null } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses an answer to a request as IdP-initiated (its response’s InResponseTo dropped)', async () => {
      const { parties, requestId } = await trip({}, { idp_initiated: true });
      const xml = samlResponse(parties, now(), requestId, { response: { inResponseTo: null } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it('refuses an IdP-initiated response where the connection does not allow it', async () => {
      const { parties } = await globex();
      await expectRefused(await postToAcs(parties, samlResponse(parties, now(), null)), { reason: 'unsolicited' });
    });

    it('refuses a replayed SP-initiated response: the request is answered once, the assertion taken once', async () => {
      const { parties, xml } = await trip();
      await expectSignedIn(await postToAcs(parties, xml), 'bo@globex.test');
      const attacker = ctx.broker.browser({ ip: '198.51.100.7' });
      const again = await postToAcs(parties, xml, attacker);
      expect([again.status, again.body.code, again.setCookies]).toEqual([400, 'saml_rejected', []]);
      expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason)).toEqual(['in_response_to']);
      expect((await attacker.get('/v1/saml/finish')).body.code).toBe('no_flow');
      expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 1, users: 1 });
    });

    it('refuses a replayed IdP-initiated response, and the same assertion in a new response', async () => {
      const { parties } = await globex({ idp_initiated: true });
      let assertion = '';
      const xml = samlResponse(parties, now(), null, { hooks: { signedAssertion: (signed) => (assertion = signed) } });
      const first = await postToAcs(parties, xml);
      expect(first.status).toBe(303);
      const replay = await postToAcs(parties, xml);
      expect([replay.status, replay.body.code]).toEqual([400, 'saml_rejected']);
      // A fresh Response (new ID, new IssueInstant) around the same signed assertion.
      const rewrapped = samlResponse(parties, now(), null, { hooks: { signedAssertion: () => assertion } });
      expect(rewrapped).not.toBe(xml);
      const again = await postToAcs(parties, rewrapped);
      expect([again.status, again.body.code]).toEqual([400, 'saml_rejected']);
      expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason)).toEqual(['replay', 'replay']);
      // The first one's reference is still good, once: one session in all.
      const location = new URL(first.headers.get('location')!);
      const browser = ctx.broker.browser();
      await browser.get(`${location.pathname}${location.search}`);
      expect((await browser.get('/v1/sign-in/flow')).body).toMatchObject({ step: 'done', user: { email: 'bo@globex.test' } });
      expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 1 });
    });

    describe('the same response posted at once to two instances of the broker: exactly one wins', () => {
      /** Another broker with its own pool on the same database (on PGlite, one process: the same storage). */
      async function withAnotherInstance(run: (other: ReturnType<typeof testBroker>) => Promise<void>) {
        const schema = (await ctx.storage.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s;
        const second = kind === 'postgres' ? await createPostgresStorage({ connectionString: process.env.TEST_DATABASE_URL!, schema, max: 2 }) : ctx.storage;
        try {
          await run(testBroker(second, { adminToken: ADMIN_TOKEN, clock: ctx.broker.clock }));
        } finally {
          if (second !== ctx.storage) await second.close();
        }
      }

      it('SP-initiated', async () => {
        const { parties, xml } = await trip();
        await withAnotherInstance(async (other) => {
          const answers = await Promise.all([postToAcs(parties, xml), postToAcs(parties, xml, other)]);
          const won = answers.filter((a) => a.status === 303);
          const lost = answers.filter((a) => a.status !== 303);
          expect([won.length, lost.length]).toEqual([1, 1]);
          expect([lost[0]!.status, lost[0]!.body.code]).toEqual([400, 'saml_rejected']);
          expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason)).toEqual(['in_response_to']);
          await expectSignedIn(won[0]!, 'bo@globex.test');
          expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 1 });
        });
      });

      it('IdP-initiated', async () => {
        const { parties } = await globex({ idp_initiated: true });
        const xml = samlResponse(parties, now(), null);
        await withAnotherInstance(async (other) => {
          const answers = await Promise.all([postToAcs(parties, xml), postToAcs(parties, xml, other)]);
          const won = answers.filter((a) => a.status === 303);
          const lost = answers.filter((a) => a.status !== 303);
          expect([won.length, lost.length]).toEqual([1, 1]);
          expect([lost[0]!.status, lost[0]!.body.code]).toEqual([400, 'saml_rejected']);
          expect((await ctx.storage.query<{ reason: string }>('SELECT reason FROM connection_rejections')).map((r) => r.reason)).toEqual(['replay']);
          expect((await ctx.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM flows WHERE kind = 'saml-assertion'`))[0]!.n).toBe(1);
        });
      });
    });
  });

  describe('the message itself', () => {
    it('refuses a DOCTYPE that declares no entity', async () => {
      const { parties, xml } = await trip({ hooks: { signedResponse: (response) => `<!DOCTYPE samlp:Response>${response}` } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'doctype' });
    });

    it('refuses a DOCTYPE declaring an internal entity (the NameID built from it)', async () => {
      const { parties, xml } = await trip({
        hooks: { signedResponse: (response) => `<!DOCTYPE samlp:Response [<!ENTITY who "eve@globex.test">]>${response.replace('>bo@globex.test</saml:NameID>', '>&who;</saml:NameID>')}` },
      });
      await expectRefused(await postToAcs(parties, xml), { reason: 'doctype' });
    });

    it('refuses an external entity (XXE) and entity expansion (billion laughs)', async () => {
      const { parties, xml } = await trip();
      const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace('>bo@globex.test</saml:NameID>', '>&x;</saml:NameID>')}`;
      await expectRefused(await postToAcs(parties, xxe), { reason: 'doctype' });
      const laughs = `<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>${xml.replace('</samlp:Response>', '<x>&c;</x></samlp:Response>')}`;
      // The request was told of the first refusal already: this one has no open request to name.
      await expectRefused(await postToAcs(parties, laughs), { reason: 'doctype' });
    });

    it('refuses a status other than Success, with no assertion', async () => {
      const { parties, xml } = await trip({ withoutAssertion: true, response: { status: SAML_VALUES.responder, subStatus: SAML_VALUES.authnFailed, statusMessage: 'wrong password' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'status', detail: /wrong password/ });
    });

    it('refuses a status other than Success even around a valid signed assertion', async () => {
      const { parties, xml } = await trip({ response: { status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'status' });
    });

    it('refuses a signed LogoutResponse posted to the ACS', async () => {
      const { parties, requestId } = await openRequest();
      const logout = signRoot(
        `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${samlId('logout')}" Version="2.0" IssueInstant="${now().toISOString()}" Destination="${parties.acsUrl}" InResponseTo="${requestId}">` +
          `<saml:Issuer>${IDP.entityId}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${SAML_VALUES.success}"/></samlp:Status></samlp:LogoutResponse>`,
      );
      await expectRefused(await postToAcs(parties, logout), { reason: 'not_a_response' });
    });

    it('refuses what is not base64, or not XML', async () => {
      const { parties } = await globex();
      const notBase64 = await ctx.broker.call('POST', new URL(parties.acsUrl).pathname, {
        cookie: null,
        headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ SAMLResponse: '<samlp:Response/>' }).toString(),
      });
      await expectRefused(notBase64, { reason: 'malformed' });
      await expectRefused(await postToAcs(parties, 'bo@globex.test'), { reason: 'malformed' });
    });

    describe('pathologically deep nesting', () => {
      const DEPTH = 5_000;
      const deep = (open: string, close: string) => (response: string) => response.replace('<samlp:Status>', `<samlp:Extensions>${open.repeat(DEPTH)}${close.repeat(DEPTH)}</samlp:Extensions><samlp:Status>`);
      it.each([
        ['plain elements', deep('<a>', '</a>')],
        ['elements a naive scan takes as empty (a "/>" in an attribute value)', deep('<a b="/>">', '</a>')],
        ['closing tags a naive scan counts inside comments', deep('<a><!--</a>-->', '</a>')],
        ['closing tags a naive scan counts inside CDATA', deep('<a><![CDATA[</a>]]>', '</a>')],
        ['elements whose names start with a non-ASCII letter', deep('<é>', '</é>')],
      ])('refuses %s 5,000 deep', async (_, hook) => {
        const { parties, xml } = await trip({ hooks: { signedResponse: hook } });
        await expectRefused(await postToAcs(parties, xml), { reason: 'too_deep' });
      });
    });

    it('refuses a body over 512 KiB with 413 before reading it', async () => {
      const { parties, xml } = await trip({ hooks: { signedResponse: (response) => response.replace('</samlp:Response>', `<!--${'x'.repeat(520 * 1024)}--></samlp:Response>`) } });
      const acs = await postToAcs(parties, xml);
      expect([acs.status, acs.body.code, acs.setCookies]).toEqual([413, 'payload_too_large', []]);
      expect(await rowCounts(ctx.storage)).toMatchObject({ sessions: 0, users: 0 });
    });
  });

  describe('encrypted assertions: the SP certificate is public, so anyone can encrypt to it', () => {
    /** Globex taking encrypted assertions only, an open request, and the signed response for it. */
    async function encryptedTrip(options: ResponseOptions = {}) {
      const opened = await trip(options, { encrypt_assertions: true });
      const certificate = (await admin('GET', `/organizations/${opened.org.id}/connections/${opened.connection.id}`)).body.sp_certificate as string;
      return { ...opened, certificate };
    }

    it('positive control: a signed assertion encrypted with AES-256-GCM (key by RSA-OAEP) signs in', async () => {
      const { parties, xml, certificate } = await encryptedTrip();
      await expectSignedIn(await postToAcs(parties, await encryptAssertionIn(xml, { certificate })), 'bo@globex.test');
    });

    it('positive control: AES-128-CBC, as ADFS and Entra ID may send it, signs in too', async () => {
      const { parties, xml, certificate } = await encryptedTrip();
      await expectSignedIn(await postToAcs(parties, await encryptAssertionIn(xml, { certificate, content: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc' })), 'bo@globex.test');
    });

    it('refuses a plaintext assertion where the connection takes encrypted ones only', async () => {
      const { parties, xml } = await encryptedTrip();
      await expectRefused(await postToAcs(parties, xml), { reason: 'not_encrypted' });
    });

    it('refuses an encrypted assertion on a connection with no SP key', async () => {
      const { parties, xml } = await trip();
      // Encrypted to some certificate (the IdP's own here): the connection has no key to open anything with.
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate: IDP_CERTIFICATE_DER })), { reason: 'encrypted' });
    });

    it.each([
      ['its key transported with RSA PKCS#1 v1.5 (Bleichenbacher)', { keyTransport: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5' as const }],
      ['its content encrypted with 3DES', { content: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc' as const }],
    ])('refuses an assertion with %s before decrypting anything', async (_, algorithms) => {
      const { parties, xml, certificate } = await encryptedTrip();
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate, ...algorithms })), { reason: 'encryption_algorithm' });
    });

    it('refuses an assertion encrypted to another key', async () => {
      const { parties, xml, certificate } = await encryptedTrip();
      const publicKey = anotherKey().export({ type: 'pkcs1', format: 'pem' }).toString();
      const { createPublicKey } = await import('node:crypto');
      const spki = createPublicKey(publicKey).export({ type: 'spki', format: 'pem' }).toString();
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate, publicKey: spki })), { reason: 'decryption' });
    });

    it('refuses an unsigned assertion, encrypted by anyone to the public SP certificate', async () => {
      const { parties, xml, certificate } = await encryptedTrip({ signAssertion: false });
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate })), { reason: 'signature' });
    });

    it('refuses an encrypted assertion signed with SHA-1', async () => {
      const { parties, xml, certificate } = await encryptedTrip({ signAssertion: { signatureAlgorithm: 'sha1', digestAlgorithm: 'sha1' } });
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate })), { reason: 'sha1' });
    });

    it.each([
      ['a DOCTYPE with an entity', (assertion: string) => `<!DOCTYPE a [<!ENTITY e "bo@globex.test">]>${assertion}`, 'doctype'],
      ['nesting 5,000 deep', (assertion: string) => assertion.replace('<saml:Issuer>', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}<saml:Issuer>`), 'too_deep'],
      ['a Response instead of an Assertion', (assertion: string) => `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${assertion}</samlp:Response>`, 'decryption'],
      ['text that does not parse', () => '<saml:Assertion', 'malformed'],
    ])('looks inside before node-saml does: refuses plaintext with %s', async (_, change, reason) => {
      const { parties, xml, certificate } = await encryptedTrip();
      const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
      await expectRefused(await postToAcs(parties, await encryptAssertionIn(xml, { certificate, plaintext: change(assertion) })), { reason });
    });

    it('refuses two EncryptedKeys (one for a key the attacker chose) as an algorithm question, before decrypting', async () => {
      const { parties, xml, certificate } = await encryptedTrip();
      const encrypted = await encryptAssertionIn(xml, { certificate });
      const key = /<e:EncryptedKey[\s\S]*?<\/e:EncryptedKey>/.exec(encrypted)![0];
      await expectRefused(await postToAcs(parties, encrypted.replace(key, `${key}${key}`)), { reason: 'encryption_algorithm' });
    });
  });

  describe('the subject', () => {
    it.each([
      ['holder-of-key', SAML_VALUES.holderOfKey],
      ['sender-vouches', 'urn:oasis:names:tc:SAML:2.0:cm:sender-vouches'],
    ])('refuses a %s subject confirmation (bearer only)', async (_, method) => {
      const { parties, xml } = await trip({ assertion: { confirmationMethod: method } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'subject_confirmation' });
    });

    it.each([
      ['an empty NameID', { nameId: '' }, (xml: string) => xml],
      ['a blank NameID', { nameId: '   ' }, (xml: string) => xml],
      ['no NameID', { nameId: null }, (xml: string) => xml],
      ['a NameID that is only a comment', { nameId: '' }, (xml: string) => xml.replace('></saml:NameID>', '><!--bo@globex.test--></saml:NameID>')],
    ])('refuses %s, though the email attribute names bo@globex.test', async (_, assertion, hook) => {
      const { parties, xml } = await trip({ assertion, hooks: { assertion: hook } });
      await expectRefused(await postToAcs(parties, xml), { reason: 'name_id' });
    });

    it('signs no one in with an address outside the organization’s verified domains (eve@evil.test)', async () => {
      const { parties, xml } = await trip({ assertion: { nameId: 'eve@evil.test', attributes: { email: ['eve@evil.test'], firstName: ['Eve'], groups: ['admins'] } } });
      await expectNotLinkable(await postToAcs(parties, xml));
    });
  });
});
