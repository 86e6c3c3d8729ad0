import { DemoPage } from './pages/demo-page.js';
import { expect, test, uniqueEmail } from './fixtures/broker.js';

test.use({ viewport: { width: 375, height: 740 } });

test('on a 375 px phone the signed-in top bar fits and the user button shows whole', async ({ page, outbox }) => {
  const demo = new DemoPage(page);
  const email = uniqueEmail('phone');
  await demo.goto('#sign-up');
  await demo.signUp.fillDetails({ name: 'Ada Lovelace', email, password: 'analytical engine 1843' });
  await demo.signUp.code.fill(await outbox.nextCode(email));
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  const button = demo.userButton.getByRole('button', { name: /Ada Lovelace/ });
  await expect(button).toBeVisible();
  // Nothing sticks out sideways, and the whole button (chevron included) is on screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  const box = (await button.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  await button.click();
  await expect(demo.userButton.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
});

test('on a 375 px phone the sign-in card leaves most of the width to its inputs', async ({ page }) => {
  const demo = new DemoPage(page);
  await demo.goto();
  const input = (await demo.signIn.email.boundingBox())!;
  // It was 261 px of 375 (main and card padding of 24 + 32 px a side).
  expect(input.width).toBeGreaterThanOrEqual(290);
});
