import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, demoUrl, expect, test, uniqueEmail } from './fixtures/broker.js';
import { VirtualAuthenticator } from './fixtures/webauthn.js';

test('a new user signs up with only a passkey: the code proves the address, the passkey is the account\'s way in', async ({ page, outbox, api }) => {
  const authenticator = await VirtualAuthenticator.add(page);
  const demo = new DemoPage(page);
  const email = uniqueEmail('passkey');
  await demo.goto('#sign-up');
  const card = demo.signUp.root;
  await card.getByLabel('Name (optional)').fill('Grace Hopper');
  await card.getByLabel('Email').fill(email);
  await card.getByRole('button', { name: 'Create account with a passkey' }).click();
  await expect(card.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await demo.signUp.code.fill(await outbox.nextCode(email));
  await expect(card.getByRole('heading', { name: 'Create your passkey' })).toBeVisible();

  await card.getByRole('button', { name: 'Create passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  await expect(demo.backendStatus).toHaveText('Token verified by the demo backend.');
  // RFC 8176: a device-bound key (hwk) with the user verified.
  await expect(demo.claim('amr')).toHaveText(/"hwk".*"user"|"user".*"hwk"/);
  expect(await authenticator.credentials()).toHaveLength(1);

  // No password was ever set: a password sign-in for the address fails like any wrong password.
  const password = await api.post(`${brokerUrl}/v1/sign-in/password`, { data: { email, password: 'any password at all' }, headers: { origin: demoUrl } });
  expect(password.status()).toBe(401);
  await demo.signOut();
});
