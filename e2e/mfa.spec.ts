import type { Page } from '@playwright/test';
import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';
import { freshTotp, secretOf, totp } from './fixtures/totp.js';

const password = 'correct horse battery staple';

/**
 * Two-step verification in Chromium against the real broker. The account's authenticator app
 * is enrolled through the broker's account API from the signed-in page (the account page's
 * section comes later); every code is computed from the secret the broker answered, as an
 * authenticator app computes it.
 */

/** Calls the broker from the page, as the signed-in user's browser (its cookies, its origin). */
function fromPage<T>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ url, method, body }) => {
      const response = await fetch(url, { method, credentials: 'include', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    },
    { url: `${brokerUrl}${path}`, method, body },
  ) as Promise<{ status: number; body: T }>;
}

/** A signed-in user adds an authenticator app: answers its secret and the recovery codes shown once. */
async function enrolTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await fromPage<{ enrollment_id: string; secret: string; uri: string }>(page, 'POST', '/v1/mfa/totp', {});
  expect(started.status).toBe(200);
  expect(secretOf(started.body.uri)).toBe(started.body.secret);
  // The code of the previous step, so the sign-in's codes later are newer (a code is never taken twice).
  const confirmed = await fromPage<{ recovery_codes: string[] }>(page, 'POST', '/v1/mfa/totp/confirm', { enrollment_id: started.body.enrollment_id, code: totp(started.body.secret, Date.now(), -1) });
  expect(confirmed.status).toBe(201);
  expect(confirmed.body.recovery_codes).toHaveLength(10);
  return { secret: started.body.secret, recoveryCodes: confirmed.body.recovery_codes };
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
