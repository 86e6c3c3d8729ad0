import { exportPKCS8, generateKeyPair, importJWK, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../config.js';
import { appleClientSecret } from './protocol.js';
import { providerFromSocial, socialButtons } from './providers.js';

const base = { publicUrl: 'http://localhost:8787', dev: true };
const social = (providers: unknown[]) => parseBrokerConfig({ ...base, social: providers }).social;

describe('social provider configuration', () => {
  it('fills GitHub, Google and Microsoft from their presets, and a GitHub-style server elsewhere from its endpoints', () => {
    const [github, google, microsoft, devhub] = social([
      { id: 'github', preset: 'github', client_id: 'a', client_secret: 'b' },
      { id: 'google', preset: 'google', client_id: 'a', client_secret: 'b' },
      { id: 'microsoft', preset: 'microsoft', client_id: 'a', client_secret: 'b' },
      {
        id: 'devhub',
        preset: 'github',
        name: 'DevHub',
        client_id: 'a',
        client_secret: 'b',
        authorization_endpoint: 'http://127.0.0.1:8788/devhub/login/oauth/authorize',
        token_endpoint: 'http://127.0.0.1:8788/devhub/login/oauth/access_token',
        userinfo_endpoint: 'http://127.0.0.1:8788/devhub/api/user',
      },
    ]).map(providerFromSocial);
    expect(github).toMatchObject({ protocol: 'oauth2', issuer: 'https://github.com', endpoints: { userinfo: 'https://api.github.com/user', emails: 'https://api.github.com/user/emails' }, profile: 'github' });
    expect(google).toMatchObject({ protocol: 'oidc', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] });
    expect(microsoft).toMatchObject({ protocol: 'oidc', issuer: 'https://login.microsoftonline.com/common/v2.0', tenantIssuer: true });
    expect(devhub).toMatchObject({ issuer: 'http://127.0.0.1:8788', endpoints: { emails: 'http://127.0.0.1:8788/devhub/api/user/emails' }, linkByEmail: false });
  });

  it('names every missing field: an oidc issuer, oauth2 endpoints, a secret, Apple keys; and refuses a repeated id', () => {
    expect(() => social([{ id: 'x', preset: 'oidc', client_id: 'a', client_secret: 'b' }])).toThrow(/social\.0\.issuer: required for preset oidc/);
    expect(() => social([{ id: 'x', preset: 'oauth2', client_id: 'a', client_secret: 'b' }])).toThrow(/social\.0\.authorization_endpoint/);
    expect(() => social([{ id: 'x', preset: 'google', client_id: 'a' }])).toThrow(/social\.0\.client_secret/);
    expect(() => social([{ id: 'x', preset: 'apple', client_id: 'a' }])).toThrow(/social\.0\.team_id/);
    expect(() => social([{ id: 'x', preset: 'github', client_id: 'a', client_secret: 'b' }, { id: 'x', preset: 'google', client_id: 'a', client_secret: 'b' }])).toThrow(/its own id/);
  });

  it('lists the buttons in configured order with the preset names and icons', () => {
    const list = social([
      { id: 'g', preset: 'google', client_id: 'a', client_secret: 'b' },
      { id: 'gh', preset: 'github', name: 'GitHub Enterprise', client_id: 'a', client_secret: 'b' },
    ]);
    expect(socialButtons(list)).toEqual([
      { id: 'g', name: 'Google', icon: 'google' },
      { id: 'gh', name: 'GitHub Enterprise', icon: 'github' },
    ]);
  });

  it("signs Apple's client secret as Apple asks: ES256, kid, iss team, sub client, aud appleid.apple.com", async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(keys.privateKey);
    const now = new Date();
    const jwt = await appleClientSecret({ teamId: 'TEAM123456', keyId: 'KEY1234567', privateKey: pem }, 'com.example.web', now);
    const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(await exportJWK(keys.publicKey), 'ES256'), { audience: 'https://appleid.apple.com', issuer: 'TEAM123456', subject: 'com.example.web' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'KEY1234567' });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15_777_000);
  });
});
