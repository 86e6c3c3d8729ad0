import { DemoPage } from './pages/demo-page.js';
import { fromPage } from './fixtures/account-api.js';
import { createAccount, expect, stepUpWindowSeconds, test, uniqueEmail } from './fixtures/broker.js';
import { VirtualAuthenticator } from './fixtures/webauthn.js';

const password = 'correct horse battery staple';

test('step-up before deleting a passkey: past the window the broker refuses, "Confirm it\'s you" takes the password, and the passkey goes', async ({ page, api, outbox }) => {
  // The e2e broker's window is short (playwright.config.ts): the test waits it out once.
  test.setTimeout(120_000 + stepUpWindowSeconds * 1000);
  const laptop = await VirtualAuthenticator.add(page);
  const email = uniqueEmail('step-up');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);

  // Within the window the account page adds a passkey at once.
  await laptop.answers(false);
  await demo.userButton.getByRole('button', { expanded: false }).click();
  await demo.userButton.getByRole('menuitem', { name: 'Manage account' }).click();
  const profile = page.locator('lk-user-profile');
  const rows = profile.locator('[part~="passkey"]');
  await expect(profile.getByText("You haven't added a passkey yet.")).toBeVisible();
  await laptop.answers(true);
  await profile.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(rows).toHaveCount(1);
  await laptop.answers(false);
  const listed = await fromPage<{ passkeys: Array<{ id: string }> }>(page, 'GET', '/v1/passkeys');
  const passkeyId = listed.body.passkeys[0]!.id;

  // The window passes.
  await page.waitForTimeout((stepUpWindowSeconds + 2) * 1000);

  // Without a step-up the broker refuses the delete, and nothing changes.
  const refused = await fromPage<{ code: string; type: string }>(page, 'DELETE', `/v1/passkeys/${passkeyId}`);
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ code: 'reauthentication_required', type: 'urn:latchkey:problem:reauthentication_required' });
  expect((await fromPage<{ passkeys: unknown[] }>(page, 'GET', '/v1/passkeys')).body.passkeys).toHaveLength(1);

  // From the account page: the delete asks "Confirm it's you", focused on the password, which a password manager sees.
  await rows.first().locator('[data-action="delete"]').click();
  await profile.getByRole('button', { name: 'Delete passkey', exact: true }).click();
  const panel = profile.getByRole('region', { name: 'Confirm it’s you' });
  await expect(panel).toBeVisible();
  const field = panel.getByLabel('Password', { exact: true });
  await expect(field).toBeFocused();
  await expect(page.locator('lk-user-profile > [slot="step-up"] input[autocomplete="current-password"]')).toHaveCount(1);
  await field.fill(password);
  await panel.getByRole('button', { name: 'Confirm' }).click();
  await expect(panel).toBeHidden();
  await expect(rows).toHaveCount(0);
  expect((await fromPage<{ passkeys: unknown[] }>(page, 'GET', '/v1/passkeys')).body.passkeys).toHaveLength(0);

  // The session kept its id and now shows the step-up's factor after the sign-in's.
  const session = await fromPage<{ session: { factors: Array<{ method: string }> } }>(page, 'GET', '/v1/session');
  expect(session.body.session.factors.map((f) => f.method)).toEqual(['pwd', 'pwd']);
});
