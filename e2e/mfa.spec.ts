import type { Page } from '@playwright/test';
import { DemoPage } from './pages/demo-page.js';
import { fromPage } from './fixtures/account-api.js';
import { createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';
import { freshTotp, totp } from './fixtures/totp.js';
import { VirtualAuthenticator } from './fixtures/webauthn.js';

const password = 'correct horse battery staple';

/**
 * Two-step verification in Chromium against the real broker. The account's authenticator app
 * is enrolled on the demo's account page (lk-user-profile's "Two-step verification"): the test
 * reads the key the element shows and computes every code from it, as an authenticator app does.
 */

/**
 * The signed-in user sets up an authenticator app on the account page: the QR code and the key
 * the element shows, the app's code typed into "Verification code", then the ten recovery codes
 * shown once. Answers the key and the codes.
 */
async function enrolTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto('/account.html');
  const profile = page.locator('lk-user-profile');
  await profile.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(profile.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  // The key as a person reads it off the page, in groups of four.
  const shown = (await profile.locator('.lk-key').textContent()) ?? '';
  expect(shown).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const secret = shown.replace(/\s+/g, '');
  const field = profile.getByLabel('Verification code');
  await expect(field).toBeFocused();
  // The code of the previous step, so the sign-in's codes later are newer (a code is never taken twice).
  await field.fill(totp(secret, Date.now(), -1));
  await expect(profile.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  const recoveryCodes = await profile.locator('.lk-codes li').allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  await profile.getByRole('button', { name: "I've saved them" }).click();
  await expect(profile.getByText('Authenticator app', { exact: true })).toBeVisible();
  await expect(profile.getByText('10 recovery codes left.')).toBeVisible();
  return { secret, recoveryCodes: recoveryCodes.map((code) => code.trim()) };
}

/** A new account with an authenticator app, signed out again, on the demo's sign-in card. */
async function accountWithTotp(page: Page, api: Parameters<typeof createAccount>[0], outbox: Parameters<typeof createAccount>[1], label: string) {
  const email = uniqueEmail(label);
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);
  const enrolled = await enrolTotp(page);
  await page.goto('/');
  await demo.signOut();
  return { email, demo, ...enrolled };
}

test('with an authenticator app, a password sign-in asks for its code before any session', async ({ page, api, outbox }) => {
  const { email, demo, secret } = await accountWithTotp(page, api, outbox, 'totp');
  await demo.signIn.signInWithPassword(email, password);
  await expect(demo.signIn.root.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  // No session yet: the broker gives the page no token between the two factors.
  expect((await fromPage(page, 'POST', '/v1/session/token', {})).status).toBe(401);

  const code = demo.signIn.root.getByLabel('Authentication code');
  await expect(code).toBeFocused();
  await code.fill('000000');
  await expect(demo.signIn.root.getByText(/That code isn't right\. \d tries left\./)).toBeVisible();
  await code.fill(freshTotp(secret));
  await demo.expectSignedIn(email, ['pwd', 'otp', 'mfa']);
  await demo.signOut();
});

test('a recovery code signs in once, and the same code is refused the second time', async ({ page, api, outbox }) => {
  const { email, demo, recoveryCodes } = await accountWithTotp(page, api, outbox, 'recovery');
  const recoveryCode = recoveryCodes[0]!;
  const signInWithRecoveryCode = async () => {
    await demo.signIn.signInWithPassword(email, password);
    await demo.signIn.root.getByRole('button', { name: 'Use a recovery code instead' }).click();
    const field = demo.signIn.root.getByLabel('Recovery code');
    await expect(field).toBeFocused();
    await field.fill(recoveryCode);
    await demo.signIn.root.getByRole('button', { name: 'Verify', exact: true }).click();
  };
  await signInWithRecoveryCode();
  await demo.expectSignedIn(email, ['pwd', 'rc', 'mfa']);
  await demo.signOut();

  await signInWithRecoveryCode();
  await expect(demo.signIn.root.getByText(/That code isn't right/)).toBeVisible();
  await expect(demo.userButton).not.toContainText(email);
});

test('an email-code sign-in of a user with an authenticator app asks for its code too', async ({ page, api, outbox }) => {
  const { email, demo, secret } = await accountWithTotp(page, api, outbox, 'code-then-totp');
  await demo.signIn.enterEmail(email);
  const seen = (await outbox.messages(email)).length;
  await demo.signIn.askForCode();
  await demo.signIn.enterCode(await outbox.nextCode(email, seen));
  await expect(demo.signIn.root.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await demo.signIn.root.getByLabel('Authentication code').fill(freshTotp(secret));
  await demo.expectSignedIn(email, ['email', 'otp', 'mfa']);
  await demo.signOut();
});

test('a passkey added on the account page answers the second factor: "Use a passkey instead" signs in with amr mfa', async ({ page, api, outbox }) => {
  const email = uniqueEmail('passkey-2fa');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);
  await enrolTotp(page);
  // The laptop's passkey, added on the account page (Chromium's virtual authenticator).
  const laptop = await VirtualAuthenticator.add(page);
  const profile = page.locator('lk-user-profile');
  await profile.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(profile.locator('[part~="passkey"]')).toHaveCount(1);
  await expect(profile.getByText('Your passkeys work as a second step too.')).toBeVisible();
  // Signed out, the sign-in card's autofill waits; the laptop waits for a touch too (see passkeys.spec.ts:
  // Chromium answers a waiting autofill request at once otherwise).
  await laptop.answers(false);
  await page.goto('/');
  await demo.signOut();

  await demo.signIn.signInWithPassword(email, password);
  await expect(demo.signIn.root.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  const second = page.waitForResponse((response) => response.url().endsWith('/v1/sign-in/mfa/passkey'));
  await laptop.answers(true);
  await demo.signIn.root.getByRole('button', { name: 'Use a passkey instead' }).click();
  expect((await second).status()).toBe(200);
  // The password and the passkey: one sign-in with two factors, not a passkey sign-in of its own.
  await demo.expectSignedIn(email, ['pwd', 'hwk', 'user', 'mfa']);
  await laptop.answers(false);
  await demo.signOut();
});
