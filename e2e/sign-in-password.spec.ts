import { DemoPage } from './pages/demo-page.js';
import { createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';

const password = 'correct horse battery staple';

test('a returning user signs in with their password', async ({ page, api, outbox }) => {
  const email = uniqueEmail('password');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();

  await demo.signIn.enterEmail(email);
  // Password managers only scan the light DOM: the field must be reachable from the document.
  const found = await page.evaluate(() => {
    const input = document.querySelector('input[autocomplete~="current-password"]');
    return { found: !!input, insideShadow: input?.getRootNode() !== document };
  });
  expect(found).toEqual({ found: true, insideShadow: false });

  await demo.signIn.password.fill(password);
  await demo.signIn.root.getByRole('button', { name: 'Sign in', exact: true }).click();
  await demo.expectSignedIn(email, ['pwd']);

  // The session survives a reload: the cookie is the session.
  await page.reload();
  await demo.expectSignedIn(email, ['pwd']);
  await demo.signOut();
});

test('a wrong password and an unknown email get the same message', async ({ page, api, outbox }) => {
  const email = uniqueEmail('known');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();

  await demo.signIn.signInWithPassword(email, 'not the password');
  await expect(demo.signIn.alert).toHaveText("That email and password don't match. Try again, or reset your password.");
  const wrongPassword = await demo.signIn.alert.textContent();

  await demo.signIn.root.getByRole('button', { name: 'Change email' }).click();
  await demo.signIn.signInWithPassword(uniqueEmail('nobody'), password);
  await expect(demo.signIn.alert).toHaveText(wrongPassword!);
});

test('the keyboard goes straight from the email to the password, no Tab needed', async ({ page, api, outbox }) => {
  const email = uniqueEmail('keyboard');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  // The demo's card is the page's main form (autofocus): the email is focused on load.
  await expect(demo.signIn.email).toBeFocused();
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await expect(demo.signIn.password).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await demo.expectSignedIn(email, ['pwd']);
  await demo.signOut();
});

test("the browser's Back and Forward move between the steps and never leave the page mid-flow", async ({ page, api, outbox }) => {
  const email = uniqueEmail('back');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  const url = page.url();
  await demo.signIn.enterEmail(email);
  await expect(demo.signIn.password).toBeVisible();

  await page.goBack();
  await expect(demo.signIn.email).toHaveValue(email);
  await expect(demo.signIn.email).toBeFocused();
  expect(page.url()).toBe(url);
  await page.goForward();
  await expect(demo.signIn.password).toBeFocused();
  await demo.signIn.password.fill(password);
  await page.keyboard.press('Enter');
  await demo.expectSignedIn(email, ['pwd']);
  await demo.signOut();
});

test('a broker that cannot be reached gets a clear error and "Try again", not "Loading…" for ever', async ({ page }) => {
  let down = true;
  await page.route('**/v1/session', (route) => (down ? route.abort('connectionrefused') : route.fallback()));
  const demo = new DemoPage(page);
  await page.goto('/');
  await expect(demo.signIn.alert).toHaveText("We can't reach the sign-in service. Check your connection and try again.");
  await expect(demo.userButton.getByRole('alert')).toHaveText("Can't reach sign-in.");
  await expect(page.getByText('Loading…')).toBeHidden();
  down = false;
  await demo.signIn.root.getByRole('button', { name: 'Try again' }).click();
  await expect(demo.signIn.email).toBeVisible();
  await expect(demo.userButton.getByRole('button', { name: 'Try again' })).toBeHidden();
});
