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

test('the account page lists the passkeys, adds one from another device, deletes one, and the deleted one no longer signs in', async ({ page, outbox }) => {
  const laptop = await VirtualAuthenticator.add(page);
  const demo = new DemoPage(page);
  const email = uniqueEmail('profile');
  await demo.goto('#sign-up');
  const card = demo.signUp.root;
  await card.getByLabel('Email').fill(email);
  await card.getByRole('button', { name: 'Create account with a passkey' }).click();
  await demo.signUp.code.fill(await outbox.nextCode(email));
  await card.getByRole('button', { name: 'Create passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();

  // The user button's "Manage account" leads to the account page.
  await demo.userButton.getByRole('button', { expanded: false }).click();
  await demo.userButton.getByRole('menuitem', { name: 'Manage account' }).click();
  const profile = page.locator('lk-user-profile');
  const rows = profile.locator('[part~="passkey"]');
  await expect(rows).toHaveCount(1);
  const [laptopKey] = await laptop.credentials();

  // A security key adds a second passkey; the laptop, which holds the first, stays silent.
  const securityKey = await VirtualAuthenticator.add(page, 'usb');
  await laptop.answers(false);
  await profile.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(rows).toHaveCount(2);
  expect(await securityKey.credentials()).toHaveLength(1);

  // Delete the laptop's passkey (the first row, the older one).
  const first = rows.first();
  await first.locator('[data-action="delete"]').click();
  await profile.getByRole('button', { name: 'Delete passkey', exact: true }).click();
  await expect(rows).toHaveCount(1);

  // The laptop still holds its passkey, but the broker no longer knows it: a real ceremony with it is refused.
  await securityKey.answers(false);
  await laptop.answers(true);
  const refused = await page.evaluate(async (broker) => {
    const post = (path: string, body: unknown) =>
      fetch(`${broker}${path}`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const step = await (await post('/v1/passkeys/sign-in/options', {})).json();
    const P = PublicKeyCredential as unknown as { parseRequestOptionsFromJSON(o: unknown): PublicKeyCredentialRequestOptions };
    const credential = (await navigator.credentials.get({ publicKey: P.parseRequestOptionsFromJSON(step.options) })) as PublicKeyCredential & { toJSON(): unknown };
    const answer = await post('/v1/passkeys/sign-in/verify', { flow_id: step.flow_id, credential: credential.toJSON() });
    return { status: answer.status, code: (await answer.json()).code, used: credential.id };
  }, brokerUrl);
  expect(refused).toEqual({ status: 400, code: 'passkey_rejected', used: laptopKey!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') });
});
