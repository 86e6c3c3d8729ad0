import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, createAccount, demoUrl, expect, test, uniqueEmail } from './fixtures/broker.js';

test('a user who forgot their password resets it by mailed code and signs in with the new one', async ({ page, api, outbox }) => {
  const email = uniqueEmail('reset');
  const oldPassword = 'correct horse battery staple';
  const newPassword = 'a brand new passphrase 42';
  await createAccount(api, outbox, email, oldPassword);
  const seen = (await outbox.messages(email)).length;
  const demo = new DemoPage(page);
  await demo.goto();

  await demo.signIn.enterEmail(email);
  await demo.signIn.forgotPassword();
  await demo.signIn.code.fill(await outbox.nextCode(email, seen));
  await demo.signIn.newPassword.fill(newPassword);
  await demo.signIn.root.getByRole('button', { name: 'Set new password' }).click();

  await expect(demo.signIn.root.getByRole('status')).toHaveText('Your password was changed. Sign in with the new one.');
  await demo.signIn.password.fill(newPassword);
  await demo.signIn.root.getByRole('button', { name: 'Sign in', exact: true }).click();
  await demo.expectSignedIn(email, ['pwd']);

  // The old password is gone.
  const old = await api.post(`${brokerUrl}/v1/sign-in/password`, { data: { email, password: oldPassword }, headers: { origin: demoUrl } });
  expect(old.status()).toBe(401);
});
