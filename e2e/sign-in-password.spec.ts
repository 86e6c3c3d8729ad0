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
