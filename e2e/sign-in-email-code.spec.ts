import { DemoPage } from './pages/demo-page.js';
import { createAccount, expect, test, uniqueEmail, type Outbox } from './fixtures/broker.js';
import type { APIRequestContext, Page } from '@playwright/test';

/** An account, signed out, on the "Check your email" step; returns the code that was mailed. */
async function askForCode(page: Page, api: APIRequestContext, outbox: Outbox, label: string) {
  const email = uniqueEmail(label);
  await createAccount(api, outbox, email, 'correct horse battery staple');
  const seen = (await outbox.messages(email)).length;
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.enterEmail(email);
  await demo.signIn.askForCode();
  return { demo, email, code: await outbox.nextCode(email, seen) };
}

test('a user signs in with a code mailed to them', async ({ page, api, outbox }) => {
  const { demo, email, code } = await askForCode(page, api, outbox, 'code');
  await expect(demo.signIn.root.getByRole('button', { name: /Resend in \d+ s/ })).toBeDisabled();
  await demo.signIn.enterCode(code);
  await demo.expectSignedIn(email, ['email']);
  await demo.signOut();
});

test('a wrong code says so and the right one still works', async ({ page, api, outbox }) => {
  const { demo, email, code } = await askForCode(page, api, outbox, 'code-wrong');
  await demo.signIn.enterCode(code === '123456' ? '654321' : '123456');
  await demo.signIn.expectWrongCode("That code isn't right. 4 tries left.");
  await demo.signIn.enterCode(code);
  await demo.expectSignedIn(email, ['email']);
});

test('a code pasted with a space or a dash still signs in', async ({ page, api, outbox }) => {
  const { demo, email, code } = await askForCode(page, api, outbox, 'code-paste');
  await expect(demo.signIn.code).toHaveAttribute('autocomplete', 'one-time-code');
  await demo.signIn.enterCode(`${code.slice(0, 3)} ${code.slice(3)}`);
  await demo.expectSignedIn(email, ['email']);
});
