import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, adminCall } from '../../test/admin.js';
import { BROKER_URL, storageKinds, useTestBroker } from '../../test/harness.js';
import { certificateBody } from './metadata.js';

/** A real 2048-bit RSA signing certificate (the dev SAML IdP's, public on purpose). */
const CERT = certificateBody(readFileSync(new URL('../../../../../apps/dev-idp/keys/saml-idp.crt', import.meta.url), 'utf8'));

/**
 * IdP metadata shaped as Okta, Entra ID and Google Workspace publish it (their published
 * formats, written by hand; the certificate is a stand-in). What a connection needs of each:
 * the entity ID, the HTTP-Redirect SSO URL and the signing certificates.
 */
const SAMPLES = {
  okta: {
    xml: `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk1abcdEFGH2345x697"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${CERT}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://acme.okta.com/app/acme_latchkey_1/exk1abcdEFGH2345x697/sso/saml"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://acme.okta.com/app/acme_latchkey_1/exk1abcdEFGH2345x697/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>`,
    entityId: 'http://www.okta.com/exk1abcdEFGH2345x697',
    ssoUrl: 'https://acme.okta.com/app/acme_latchkey_1/exk1abcdEFGH2345x697/sso/saml',
  },
  entra: {
    // Entra ID: a signed EntityDescriptor with a RoleDescriptor (WS-Fed) before the IDPSSODescriptor, and an encryption-less signing key.
    xml: `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_3b0c6a8e-7f1d-4f3b-9a51-2c6e0d4c1a7e" entityID="https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI="#_3b0c6a8e-7f1d-4f3b-9a51-2c6e0d4c1a7e"><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>AAAA</DigestValue></Reference></SignedInfo><SignatureValue>AAAA</SignatureValue><KeyInfo><X509Data><X509Certificate>${CERT}</X509Certificate></X509Data></KeyInfo></Signature><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${CERT}</X509Certificate></X509Data></KeyInfo></KeyDescriptor></RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${CERT}</X509Certificate></X509Data></KeyInfo></KeyDescriptor><SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2"/><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2"/></IDPSSODescriptor></EntityDescriptor>`,
    entityId: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    ssoUrl: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/saml2',
  },
  google: {
    // Google Workspace: a KeyDescriptor without `use`, line-wrapped certificate text.
    xml: `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://accounts.google.com/o/saml2?idpid=C01abcd23" validUntil="2031-12-01T00:00:00.000Z">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor>
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>${CERT.replace(/(.{76})/g, '$1\n')}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://accounts.google.com/o/saml2/idp?idpid=C01abcd23"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://accounts.google.com/o/saml2/idp?idpid=C01abcd23"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`,
    entityId: 'https://accounts.google.com/o/saml2?idpid=C01abcd23',
    ssoUrl: 'https://accounts.google.com/o/saml2/idp?idpid=C01abcd23',
  },
};

describe.each(storageKinds)('SAML connections in the admin API (%s)', (kind) => {
  const ctx = useTestBroker(kind, undefined, { adminToken: ADMIN_TOKEN });
  const admin = (method: string, path: string, json?: unknown) => adminCall(ctx.broker, method, path, json);
  const globex = async () => (await admin('POST', '/organizations', { name: 'Globex' })).body as { id: string };
  const count = async () => (await ctx.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM connections'))[0]!.n;

  for (const [vendor, sample] of Object.entries(SAMPLES)) {
    it(`imports ${vendor}-shaped metadata: entity ID, the HTTP-Redirect SSO URL, one signing certificate; answers the SP side`, async () => {
      const org = await globex();
      const created = await admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', metadata_xml: sample.xml, attribute_preset: vendor });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        type: 'saml',
        entity_id: sample.entityId,
        sso_url: sample.ssoUrl,
        certificates: [CERT],
        attribute_preset: vendor,
        idp_initiated: false,
        want_response_signed: false,
        clock_skew_seconds: 60,
        sp_entity_id: `${BROKER_URL}/v1/saml/${created.body.id}/metadata`,
        acs_url: `${BROKER_URL}/v1/saml/${created.body.id}/acs`,
        metadata_url: `${BROKER_URL}/v1/saml/${created.body.id}/metadata`,
      });
    });
  }

  it('takes a connection by hand, and rotates certificates with a PATCH (old and new listed together)', async () => {
    const org = await globex();
    const created = await admin('POST', `/organizations/${org.id}/connections`, {
      type: 'saml',
      entity_id: 'https://idp.globex.test/saml',
      sso_url: 'https://idp.globex.test/sso',
      certificates: [`-----BEGIN CERTIFICATE-----\n${CERT}\n-----END CERTIFICATE-----`],
      group_roles: { admins: 'admin' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ certificates: [CERT], group_roles: { admins: 'admin' } });
    const path = `/organizations/${org.id}/connections/${created.body.id}`;
    const rotated = await admin('PATCH', path, { certificates: [CERT, CERT.replace(/^MII/, 'MII')], idp_initiated: true });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ entity_id: 'https://idp.globex.test/saml', sso_url: 'https://idp.globex.test/sso', idp_initiated: true, group_roles: { admins: 'admin' } });
    expect((await admin('GET', `${path}/rejections`)).body).toEqual({ data: [] });
  });

  it('refuses metadata with a DOCTYPE, without an IDPSSODescriptor or a Redirect SSO URL, a short RSA key, an http SSO URL, and mixed shapes, storing nothing', async () => {
    const org = await globex();
    const post = (body: Record<string, unknown>) => admin('POST', `/organizations/${org.id}/connections`, { type: 'saml', ...body });
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ metadata_xml: `<!DOCTYPE x [<!ENTITY e "x">]>${SAMPLES.okta.xml.replace(/^<\?xml[^>]*>/, '')}` }, 'metadata_xml'],
      [{ metadata_xml: '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>' }, 'metadata_xml'],
      [{ metadata_xml: SAMPLES.okta.xml.replace(/<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*\/>/, '') }, 'metadata_xml'],
      [{ entity_id: 'https://idp.test', sso_url: 'https://idp.test/sso', certificates: ['A'.repeat(200)] }, 'certificates.0'],
      [{ entity_id: 'https://idp.test', sso_url: 'http://idp.test/sso', certificates: [CERT] }, 'sso_url'],
      [{ entity_id: 'https://idp.test', metadata_xml: SAMPLES.okta.xml }, '(body)'],
      [{ entity_id: 'https://idp.test' }, 'sso_url'],
    ];
    for (const [body, path] of refusals) {
      const answer = await post(body);
      expect([answer.status, answer.body.errors?.[0]?.path], JSON.stringify(body).slice(0, 120)).toEqual([400, path]);
    }
    expect(await count()).toBe(0);
  });
});
