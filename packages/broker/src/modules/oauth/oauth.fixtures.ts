/** Test fixtures of the OAuth suites: a broker with social providers on a fake IdP. */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { SocialProviderConfig } from '../../config.js';
import { startFakeIdp, type FakeIdp } from '../../test/fake-idp.js';
import { openTestStorage, storageKinds, testBroker, testClock, type TestBroker } from '../../test/harness.js';

type SocialInput = Partial<SocialProviderConfig> & Pick<SocialProviderConfig, 'id' | 'preset'>;

/** A broker on a fresh database with social providers pointing at a fake IdP. */
export function useOAuthBroker(kind: (typeof storageKinds)[number], social: (idp: FakeIdp) => SocialInput[], extra: Record<string, unknown> = {}) {
  const clock = testClock(Date.now());
  const ctx = {} as { idp: FakeIdp; broker: TestBroker; storage: Awaited<ReturnType<typeof openTestStorage>> };
  beforeAll(async () => {
    ctx.idp = await startFakeIdp({ clock: clock.now });
  });
  afterAll(() => ctx.idp.close());
  beforeEach(async () => {
    ctx.storage = await openTestStorage(kind);
    ctx.broker = testBroker(ctx.storage, { clock, social: social(ctx.idp) as SocialProviderConfig[], ...extra });
  });
  afterEach(async () => {
    await ctx.storage.drop();
    // Each test starts from the fake IdP's defaults.
    Object.assign(ctx.idp.state, { user: { sub: 'idp-user-1', email: 'ada@example.test', email_verified: true, name: 'Ada' }, githubEmails: undefined, idTokenClaims: {}, sign: undefined, tokenResponse: undefined, delayMs: 0, discovery: {}, oversizedToken: 0, lastTokenRequest: undefined });
  });
  return ctx;
}

export const oidcProvider = (idp: FakeIdp, more: Partial<SocialInput> = {}): SocialInput => ({ id: 'acme', preset: 'oidc', name: 'Acme ID', issuer: idp.issuer, client_id: idp.clientId, client_secret: 'shh', ...more });
export const githubProvider = (idp: FakeIdp, more: Partial<SocialInput> = {}): SocialInput => ({
  id: 'devhub',
  preset: 'github',
  name: 'DevHub',
  client_id: idp.clientId,
  client_secret: 'shh',
  authorization_endpoint: `${idp.issuer}/authorize`,
  token_endpoint: `${idp.issuer}/token`,
  userinfo_endpoint: `${idp.issuer}/api/user`,
  emails_endpoint: `${idp.issuer}/api/user/emails`,
  ...more,
});

/** Starts a social sign-in in `browser` and lets the fake IdP authorize it: the callback path to visit. */
export async function tripTo(ctx: { idp: FakeIdp }, browser: Pick<TestBroker, 'post'>, provider: string, body: Record<string, unknown> = {}, iss?: string | null) {
  const started = await browser.post('/v1/sign-in/social', { provider, ...body });
  if (started.status !== 200 || started.body.step !== 'sso-redirect') throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  return { started, callback: ctx.idp.authorize(started.body.url, iss === undefined ? {} : { iss }) };
}

