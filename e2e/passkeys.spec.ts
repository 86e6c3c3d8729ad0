import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, demoUrl, expect, test, uniqueEmail } from './fixtures/broker.js';
import { recordPasskeyRequests, VirtualAuthenticator } from './fixtures/webauthn.js';

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
  // Signed out, the card's autofill asks again; the virtual authenticator would answer it at once.
  await authenticator.answers(false);
  await demo.signOut();
});

test('a passkey user signs in with the button, and from the email field\'s autofill without typing', async ({ page, outbox }) => {
  const laptop = await VirtualAuthenticator.add(page);
  const requests = await recordPasskeyRequests(page);
  const demo = new DemoPage(page);
  const email = uniqueEmail('passkey-sign-in');
  await demo.goto('#sign-up');
  await demo.signUp.root.getByLabel('Email').fill(email);
  await demo.signUp.root.getByRole('button', { name: 'Create account with a passkey' }).click();
  await demo.signUp.code.fill(await outbox.nextCode(email));
  await demo.signUp.root.getByRole('button', { name: 'Create passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  // Chromium's virtual authenticator answers an autofill request at once, as if the user picked
  // its passkey: while it waits for a touch instead, autofill (which starts whenever the sign-in
  // card shows) cannot sign the user straight back in.
  await laptop.answers(false);
  await demo.signOut();

  // The button: the page loads, autofill waits; the user presses the button and touches the laptop.
  await demo.goto();
  const button = demo.signIn.root.getByRole('button', { name: 'Sign in with a passkey' });
  await expect(button).toBeVisible();
  await expect.poll(requests).toEqual(['asked conditional']);
  await laptop.answers(true);
  await button.click();
  await demo.expectSignedIn(email, ['hwk', 'user']);
  expect(await requests()).toEqual(['asked conditional', 'asked modal', 'answered modal']);
  await laptop.answers(false);
  await demo.signOut();

  // Autofill: the page loads, the email field offers the passkey, the user picks it (the virtual
  // authenticator picks the one passkey it holds for this site). Nothing typed, no button.
  // The signed-out page is left first: its own autofill request is still waiting, and Chromium
  // 156 answers a waiting request the moment the authenticator starts answering.
  await page.goto('about:blank');
  await laptop.answers(true);
  await page.goto('/');
  await demo.expectSignedIn(email, ['hwk', 'user']);
  expect(await requests()).toEqual(['asked conditional', 'answered conditional']);
});

test('the account page lists the passkeys, adds one from another device, deletes one, and the deleted one no longer signs in', async ({ page, outbox }) => {
  const laptop = await VirtualAuthenticator.add(page);
  // What the broker answered each passkey sign-in, and with which credential.
  const verifyAnswers: Array<{ status: number; code?: string; credential?: string }> = [];
  page.on('response', async (response) => {
    if (!response.url().endsWith('/v1/passkeys/sign-in/verify')) return;
    const sent = response.request().postDataJSON() as { credential?: { id?: string } };
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    verifyAnswers.push({ status: response.status(), code: body.code, credential: sent.credential?.id });
  });
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

  // The laptop still holds its passkey, but the broker no longer knows it: signing in with it
  // (from autofill, where the laptop offers it) is refused, and the page says so.
  await securityKey.answers(false);
  await laptop.answers(false);
  await page.goto('/');
  await demo.signOut();
  // As above: the signed-out page is left before the authenticator answers, so only the new page asks.
  await page.goto('about:blank');
  await laptop.answers(true);
  await page.goto('/');
  await expect(demo.signIn.alert).toHaveText("That passkey didn't work here. Try again, or use another way to sign in.");
  // Every refusal is of the laptop's deleted passkey.
  const laptopId = laptopKey!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const refusals = verifyAnswers.filter((a) => a.status !== 200);
  expect(refusals.length).toBeGreaterThan(0);
  expect(new Set(refusals.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ status: 400, code: 'passkey_rejected', credential: laptopId })]));
  await expect(demo.signIn.email).toBeVisible();

  // The security key still signs in, with the button.
  await laptop.answers(false);
  await securityKey.answers(true);
  await demo.signIn.root.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await demo.expectSignedIn(email, ['hwk', 'user']);
});
