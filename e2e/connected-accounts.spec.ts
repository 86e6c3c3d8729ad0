import { DevIdpPage } from './pages/dev-idp-page.js';
import { createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';
import { DemoPage } from './pages/demo-page.js';

const password = 'correct horse battery staple';

test('a password account connects DevHub from its profile, then disconnects it', async ({ page, api, outbox }) => {
  const email = uniqueEmail('connect');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);

  await page.goto('/account.html');
  const profile = page.locator('lk-user-profile');
  await expect(profile.getByRole('heading', { name: 'Connected accounts' })).toBeVisible();
  await profile.getByRole('button', { name: 'Connect DevHub' }).click();

  // bo's DevHub account: not used by any other journey, so it is free to attach here.
  await new DevIdpPage(page).signIn('bo@globex.test');

  // Back on the account page: announced, and listed with the email DevHub asserted.
  await expect(page).toHaveURL(/\/account\.html/);
  await expect(profile.getByText('DevHub connected.')).toBeVisible();
  const row = profile.getByRole('listitem').filter({ hasText: 'DevHub' });
  await expect(row).toContainText('bo@globex.test');

  await row.getByRole('button', { name: /^Disconnect/ }).click();
  await profile.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(profile.getByText('DevHub disconnected.')).toBeVisible();
  await expect(profile.getByRole('button', { name: 'Connect DevHub' })).toBeVisible();
});
