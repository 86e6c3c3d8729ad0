import { DemoPage } from './pages/demo-page.js';
import { adminApi, createAccount, expect, test } from './fixtures/broker.js';
import { freshTotp } from './fixtures/totp.js';

const password = 'correct horse battery staple';

/**
 * An organization requiring MFA (issue 23 §2), in Chromium against the real broker: the
 * organization is made through the admin API with a verified domain and `require_mfa`, a
 * fresh account of that domain is added as a member, and its password sign-in enrols an
 * authenticator app in the sign-in card, with the code computed from the key the card
 * shows, as an app computes it; the recovery codes come before the app, and the next
 * sign-in asks for the app's code.
 */
test('An organization requiring MFA makes a member enrol during sign-in', async ({ page, api, outbox }) => {
  // The second sign-in waits for the app's next 30-second step: the enrolling code's step is taken.
  test.setTimeout(90_000);
  const label = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const domain = `mfa-${label}.test`;
  const email = `member@${domain}`;
  const org = await adminApi<{ id: string; require_mfa: boolean }>(api, 'POST', '/organizations', { name: `Initech ${label}`, require_mfa: true });
  expect(org.require_mfa).toBe(true);
  await adminApi(api, 'POST', `/organizations/${org.id}/domains`, { domain });
  await createAccount(api, outbox, email, password);

  // A first sign-in before the membership: one factor is enough, and it tells the account's id.
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);
  const userId = JSON.parse((await demo.claim('sub').textContent())!) as string;
  await demo.signOut();
  await adminApi(api, 'PUT', `/organizations/${org.id}/memberships/${userId}`, { role: 'member' });

  await demo.signIn.signInWithPassword(email, password);
  const card = demo.signIn.root;
  await expect(card.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible();
  await expect(page.getByText(`Initech ${label} requires two-step verification.`)).toBeVisible();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await card.locator('.lk-key code').textContent())!.replace(/\s+/g, '');
  expect(key).toMatch(/^[A-Z2-7]{32}$/);

  const code = card.getByLabel('Verification code');
  await expect(code).toBeFocused();
  await code.fill(freshTotp(key));
  await expect(card.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(card.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await card.getByRole('button', { name: 'Continue' }).click();
  await demo.expectSignedIn(email, ['pwd', 'otp', 'mfa']);
  await demo.signOut();

  // The next sign-in asks for the app's code (a newer one: a code is never taken twice).
  await demo.signIn.signInWithPassword(email, password);
  await expect(card.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await page.waitForTimeout(Math.max(0, 30_000 - (Date.now() % 30_000)) + 500);
  await card.getByLabel('Authentication code').fill(freshTotp(key));
  await demo.expectSignedIn(email, ['pwd', 'otp', 'mfa']);
});
