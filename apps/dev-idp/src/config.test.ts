import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerSamlServiceProvider, parseExtraClients, redirectUrisFor } from './config.js';
import { startDevIdp, type DevIdp } from './index.js';

describe('dev IdP configuration', () => {
  it('allows the broker callback, or the DEV_IDP_REDIRECT_URIS list instead', () => {
    expect(redirectUrisFor('http://localhost:8787')).toEqual(['http://localhost:8787/v1/oauth/callback']);
    expect(redirectUrisFor('https://auth.example.test/')).toEqual(['https://auth.example.test/v1/oauth/callback']);
    expect(redirectUrisFor('http://localhost:8787', ' http://a.test/cb , http://b.test/cb ')).toEqual(['http://a.test/cb', 'http://b.test/cb']);
  });

  it('reads extra OIDC clients as a JSON array, and refuses anything else', () => {
    expect(parseExtraClients(undefined)).toEqual([]);
    expect(parseExtraClients('[{"client_id":"x"}]')).toEqual([{ client_id: 'x' }]);
    expect(() => parseExtraClients('{"client_id":"x"}')).toThrow(/JSON array/);
    expect(() => parseExtraClients('[{"redirect_uris":[]}]')).toThrow(/client_id/);
  });

  it("answers every SAML connection of the broker, at that connection's ACS, and no other SP", () => {
    expect(brokerSamlServiceProvider('http://localhost:8787', 'http://localhost:8787/v1/saml/con_2x-Y/metadata')).toEqual({
      entityId: 'http://localhost:8787/v1/saml/con_2x-Y/metadata',
      acsUrl: 'http://localhost:8787/v1/saml/con_2x-Y/acs',
    });
    expect(brokerSamlServiceProvider('https://auth.example.test/', 'https://auth.example.test/v1/saml/con_1/metadata')?.acsUrl).toBe('https://auth.example.test/v1/saml/con_1/acs');
    for (const entityId of [
      'http://localhost:8788/v1/saml/con_1/metadata',
      'http://localhost:8787/v1/saml/con_1/acs',
      'http://localhost:8787/v1/saml//metadata',
      'http://localhost:8787/v1/saml/con_1/x/metadata',
      'http://localhost:8787/v1/saml/../metadata',
      'http://localhost:8787/v1/saml/con_1/metadata?x=1',
      'http://localhost:8787.evil.test/v1/saml/con_1/metadata',
    ]) {
      expect(brokerSamlServiceProvider('http://localhost:8787', entityId), entityId).toBeUndefined();
    }
  });
});

describe('startDevIdp({ brokerUrl })', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, brokerUrl: 'http://localhost:43123' });
  });
  afterAll(() => idp.close());

  it("registers that broker's callback with both providers, and no other", async () => {
    const devhub = (redirect_uri: string) =>
      fetch(`${idp.devhub}/login/oauth/authorize?${new URLSearchParams({ client_id: 'latchkey-devhub', redirect_uri, state: 's' })}`, { redirect: 'manual' });
    expect((await devhub('http://localhost:43123/v1/oauth/callback')).status).toBe(303);
    expect((await devhub('http://localhost:8787/v1/oauth/callback')).status).toBe(400);

    const oidc = (redirect_uri: string) =>
      fetch(`${idp.issuer}/auth?${new URLSearchParams({ client_id: 'latchkey-acme', response_type: 'code', scope: 'openid', redirect_uri, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    expect((await oidc('http://localhost:43123/v1/oauth/callback')).headers.get('location')).toMatch(/^\/oidc\/interaction\//);
    expect((await oidc('http://localhost:8787/v1/oauth/callback')).status).toBe(400);
  });

  it("answers that broker's SAML connections, and no other broker's", async () => {
    const launch = (sp: string) => fetch(`${idp.saml.launchUrl}?${new URLSearchParams({ sp })}`, { redirect: 'manual' });
    expect((await launch('http://localhost:43123/v1/saml/con_1/metadata')).headers.get('location')).toMatch(/^\/saml\/interaction\//);
    expect((await launch('http://localhost:8787/v1/saml/con_1/metadata')).status).toBe(400);
  });

  it('listens on 127.0.0.1 and names it in the issuer', () => {
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.issuer).toBe(`${idp.url}/oidc`);
  });
});
