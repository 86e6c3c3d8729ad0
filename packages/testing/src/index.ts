/**
 * `@latchkey/testing`: the in-memory broker Latchkey's own element tests, stories and
 * contract suite run on, for a host app to test its pages with Latchkey elements and no
 * broker. It runs in a browser and in Node (plain `fetch`, `Response`, Web Crypto).
 *
 * @example
 * import { createFakeBroker } from '@latchkey/testing';
 * import { configure } from '@latchkey/elements';
 *
 * const broker = createFakeBroker({ accounts: { 'ada@example.com': 'correct horse battery staple' }, latency: 50 });
 * configure({ client: broker.client() });
 * broker.failNext.set('/v1/sign-in/password', 'rate_limited'); // the next password attempt is refused
 */

export {
  createFakeBroker,
  FakeBroker,
  FAKE_APP_CODE,
  FAKE_ENROLL_CODE,
  FAKE_ENROLL_SECRET,
  type FakeBrokerOptions,
  type FakeIdentitySeed,
  type FakeMail,
  type FakePasskeySeed,
  type FakeResume,
  type FakeSessionSeed,
} from './fake-broker.js';
export { FakeOrgs, type FakeMemberSeed, type FakeOrgAccount, type FakeOrgSeed, type FakeOrgsSeed } from './fake-orgs.js';
export {
  installFakeAuthenticator,
  FakeAuthenticator,
  type CeremonyOutcome,
  type FakeAuthenticatorOptions,
  type FakeCredential,
  type SeenCeremony,
} from './fake-authenticator.js';
