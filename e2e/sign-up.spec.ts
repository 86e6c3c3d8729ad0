import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, expect, test, uniqueEmail } from './fixtures/broker.js';

test('a new user signs up, confirms the mailed code, and their backend verifies the session', async ({ page, outbox }) => {
  const demo = new DemoPage(page);
  const email = uniqueEmail('sign-up');
  await demo.goto('#sign-up');
  await demo.signUp.fillDetails({ name: 'Ada Lovelace', email, password: 'analytical engine 1843' });

  await demo.signUp.code.fill(await outbox.nextCode(email));
  await demo.expectSignedIn(email, ['pwd'], 'Ada Lovelace');

  // Signed out: the broker revoked the session, so the cookie can no longer mint tokens.
  await demo.signOut();
  const refresh = await page.evaluate(async (url) => (await fetch(`${url}/v1/session/token`, { method: 'POST', credentials: 'include' })).status, brokerUrl);
  expect(refresh).toBe(401);
});

test('a wrong code is refused with a clear message and no account is made', async ({ page, outbox, api }) => {
  const demo = new DemoPage(page);
  const email = uniqueEmail('wrong-code');
  await demo.goto('#sign-up');
  await demo.signUp.fillDetails({ email, password: 'analytical engine 1843' });
  const real = await outbox.nextCode(email);
  await demo.signUp.code.fill(real === '000000' ? '111111' : '000000');
  await demo.signUp.expectWrongCode("That code isn't right. 4 tries left.");

  // Nothing was created: signing in with that password is refused.
  const attempt = await api.post(`${brokerUrl}/v1/sign-in/password`, { data: { email, password: 'analytical engine 1843' }, headers: { origin: new URL(page.url()).origin } });
  expect(attempt.status()).toBe(401);
});
