import type { Page } from '@playwright/test';
import { brokerUrl, createAccount, demoUrl, expect, test, uniqueEmail } from './fixtures/broker.js';
import { DemoPage } from './pages/demo-page.js';

const password = 'correct horse battery staple';
const newPassword = 'a brand new battery staple';

/** What a token refresh from this page answers: the status of POST /v1/session/token with its cookie. */
const tokenRefresh = (page: Page) =>
  page.evaluate(async (url) => (await fetch(`${url}/v1/session/token`, { method: 'POST', credentials: 'include' })).status, brokerUrl);

test('Sign out another session from the account page', async ({ browser, page, api, outbox }) => {
  const email = uniqueEmail('sessions');
  await createAccount(api, outbox, email, password);
  // The sign-up's own session (in the API's request context) ends: the account is signed in nowhere yet.
  expect((await api.post(`${brokerUrl}/v1/sign-out`, { headers: { origin: demoUrl } })).status()).toBe(204);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);

  // The same account signed in from a second browser.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const otherDemo = new DemoPage(otherPage);
  await otherDemo.goto();
  await otherDemo.signIn.signInWithPassword(email, password);
  await otherDemo.expectSignedIn(email, ['pwd']);
  expect(await tokenRefresh(otherPage)).toBe(200);

  await page.goto('/account.html');
  const profile = page.locator('lk-user-profile');
  await expect(profile.getByRole('heading', { name: 'Active sessions' })).toBeVisible();
  const sessions = profile.getByRole('list').filter({ has: page.getByText('This device') });
  await expect(sessions.getByRole('listitem')).toHaveCount(2);
  await expect(sessions.getByRole('listitem').first()).toContainText('This device');
  await expect(sessions.getByRole('listitem').first()).toContainText('Active now');
  await expect(sessions.getByRole('listitem').nth(1)).toContainText('Last active');

  await sessions.getByRole('listitem').nth(1).getByRole('button', { name: /^Sign out/ }).click();
  await expect(profile.getByText(/^Signed out of /)).toBeAttached();
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(profile.getByText('You aren’t signed in anywhere else.')).toBeVisible();

  // The second browser is signed out: its token refresh is refused, and a reload shows the sign-in card.
  expect(await tokenRefresh(otherPage)).toBe(401);
  await otherPage.reload();
  await expect(otherDemo.signIn.email).toBeVisible();
  // This one is not.
  expect(await tokenRefresh(page)).toBe(200);
  await other.close();
});

test('change the password from the account page, then sign in with the new one', async ({ page, api, outbox }) => {
  const email = uniqueEmail('new-password');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);

  await page.goto('/account.html');
  const profile = page.locator('lk-user-profile');
  await profile.getByRole('button', { name: 'Change password' }).click();
  // The field is in the light DOM, where password managers look for it.
  const field = page.locator('input[autocomplete="new-password"]');
  await expect(field).toBeFocused();
  expect(await field.evaluate((input) => input.getRootNode() === document)).toBe(true);
  await profile.getByLabel('New password').fill(newPassword);
  await profile.getByRole('button', { name: 'Save password' }).click();
  await expect(profile.getByText('Password changed. Your other devices were signed out.')).toBeAttached();
  await expect.poll(async () => (await outbox.messages(email))[0]?.subject).toBe('Your password was changed');

  await page.goto('/');
  await demo.signOut();
  await demo.signIn.signInWithPassword(email, password);
  await expect(demo.signIn.alert).toHaveText("That email and password don't match. Try again, or reset your password.");
  await demo.signIn.password.fill(newPassword);
  await demo.signIn.root.getByRole('button', { name: 'Sign in', exact: true }).click();
  await demo.expectSignedIn(email, ['pwd']);
});
