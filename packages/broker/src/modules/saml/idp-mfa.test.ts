import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { APP_ORIGIN, storageKinds, testClock, useTestBroker } from '../../test/harness.js';
import { authnRequestIdOf, encodeResponse, IDP_CERTIFICATE_DER, samlResponse, type SamlParties } from '../../test/saml-responses.js';

const IDP = { entityId: 'https://idp.globex.test/saml/metadata', ssoUrl: 'https://idp.globex.test/saml/sso' };
const PASSWORD_ONLY = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
const TWO_FACTOR = 'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract';

/**
 * A SAML connection trusts its IdP's MFA only when turned on, and only for the
 * `AuthnContextClassRef` values it lists, read from the signed assertion: a
 * Globex that requires MFA otherwise makes bo@globex.test enrol.
 */
describe.each(storageKinds)("SAML: trusting the IdP's MFA (%s)", (kind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN, clock: testClock(Date.now()) });
  // node-saml reads the wall clock: every test starts with the broker's clock on it.
  beforeEach(() => ctx.broker.clock.advance(Date.now() - ctx.broker.clock.now().getTime()));
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);

  async function globex(connection: Record<string, unknown> = {}) {
    const org = (await admin('POST', '/organizations', { name: 'Globex', require_mfa: true })).body;
    expect((await admin('POST', `/organizations/${org.id}/domains`, { domain: 'globex.test' })).status).toBe(201);
    const created = await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', entity_id: IDP.entityId, sso_url: IDP.ssoUrl, certificates: [IDP_CERTIFICATE_DER], ...connection });
    expect(created.status).toBe(201);
    const parties: SamlParties = { acsUrl: created.body.acs_url, spEntityId: created.body.sp_entity_id, idpEntityId: IDP.entityId };
    return { org, connection: created.body, parties };
  }

  /** bo@globex.test signs in at the IdP, which says it authenticated with `classRef`: the step the page finds. */
  async function signInWith(parties: SamlParties, classRef: string) {
    const browser = ctx.broker.browser();
    const step = (await browser.post('/v1/sign-in/identify', { email: 'bo@globex.test', resume_url: `${APP_ORIGIN}/sign-in` })).body;
    const xml = samlResponse(parties, ctx.broker.clock.now(), authnRequestIdOf(step.url), { hooks: { assertion: (assertion) => assertion.replace(PASSWORD_ONLY, classRef) } });
    const acs = await browser.call('POST', new URL(parties.acsUrl).pathname, {
      cookie: null,
      headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SAMLResponse: encodeResponse(xml) }).toString(),
    });
    expect(acs.status).toBe(303);
    await browser.get('/v1/saml/finish');
    return (await browser.get('/v1/sign-in/flow')).body;
  }

  it('ignores a two-factor AuthnContextClassRef while trust is off (the default)', async () => {
    const { connection, parties } = await globex();
    expect(connection).toMatchObject({ trust_idp_mfa: false });
    expect(await signInWith(parties, TWO_FACTOR)).toMatchObject({ step: 'mfa-enroll', organization: 'Globex' });
  });

  it('counts a listed AuthnContextClassRef once trusted, and not a password-only one', async () => {
    const { connection, parties } = await globex({ trust_idp_mfa: true });
    expect(connection).toMatchObject({ trust_idp_mfa: true, idp_mfa_authn_contexts: ['http://schemas.microsoft.com/claims/multipleauthn', TWO_FACTOR] });
    expect(await signInWith(parties, PASSWORD_ONLY)).toMatchObject({ step: 'mfa-enroll' });
    const done = await signInWith(parties, TWO_FACTOR);
    expect(done).toMatchObject({ step: 'done', session: { amr: ['fed', 'mfa'] } });
    expect(done.session.factors[0]).toMatchObject({ method: 'saml', idp_mfa: true });
  });

  it('takes only the values an admin lists', async () => {
    const { parties } = await globex({ trust_idp_mfa: true, idp_mfa_authn_contexts: ['urn:globex:strong'] });
    expect(await signInWith(parties, TWO_FACTOR)).toMatchObject({ step: 'mfa-enroll' });
    expect(await signInWith(parties, 'urn:globex:strong')).toMatchObject({ step: 'done' });
  });
});
