import { DemoPage } from './pages/demo-page.js';
import { DevIdpPage } from './pages/dev-idp-page.js';
import { acme, adminApi, brokerUrl, demoUrl, expect, test } from './fixtures/broker.js';

// Acme (demo seed): verified domain acme.test with "SSO required", and an OIDC connection to
// the dev IdP (issuer http://127.0.0.1:<port>/oidc). Home-realm discovery sends an address at
// acme.test straight to Acme's IdP; the session comes back with Acme active.

test('typing ana@acme.test goes straight to Acme’s IdP and comes back signed in, with Acme in the token', async ({ page, api }) => {
  const org = await acme(api);
  const demo = new DemoPage(page);
  await demo.goto();

  await demo.signIn.email.fill('ana@acme.test');
  await demo.signIn.root.getByRole('button', { name: 'Continue', exact: true }).click();

  // No password step, no picker: the broker answered with Acme's IdP.
  const idp = new DevIdpPage(page);
  await idp.signIn('ana@acme.test');

  // The demo backend verified the token: Acme's org_id, and the role JIT provisioning gave.
  await demo.expectSignedIn('ana@acme.test', ['fed'], 'Ana Acme', { id: org.id, role: 'member' });

  // The first SSO sign-in made the membership (just in time), with the connection's default role.
  const { data: members } = await adminApi<{ data: Array<{ email: string; role: string }> }>(api, 'GET', `/organizations/${org.id}/memberships`);
  expect(members).toContainEqual(expect.objectContaining({ email: 'ana@acme.test', role: 'member' }));
  await demo.signOut();
});

test('"SSO required" refuses the password path for acme.test, for known and unknown addresses alike', async ({ api }) => {
  const headers = { origin: demoUrl };
  const answers = [];
  for (const email of ['ana@acme.test', 'nobody-here@acme.test']) {
    const response = await api.post(`${brokerUrl}/v1/sign-in/password`, { data: { email, password: 'latchkey-dev' }, headers });
    answers.push({ status: response.status(), body: await response.json() });
  }
  expect(answers[0]!.status).toBe(403);
  expect(answers[0]!.body).toMatchObject({ type: 'urn:latchkey:problem:sso_required', code: 'sso_required' });
  // Same answer either way: the domain's SSO is public, whether the user exists is not.
  expect(answers[1]).toEqual(answers[0]);

  // Nor is a code mailed to anyone at that domain.
  const code = await api.post(`${brokerUrl}/v1/sign-in/email-code`, { data: { email: 'ana@acme.test' }, headers });
  expect(code.status()).toBe(403);
});
