import { DemoPage } from './pages/demo-page.js';
import { createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';

const password = 'correct horse battery staple';

test('a returning user signs in with their password in Arabic, right to left', async ({ page, api, outbox }) => {
  const email = uniqueEmail('ar');
  await createAccount(api, outbox, email, password);
  // The demo turns ?lang=ar into <lk-config locale="ar">; the demo page itself sets no dir.
  await page.goto('/?lang=ar');
  const card = page.locator('lk-sign-in');
  await expect(card.getByRole('heading', { level: 2, name: 'تسجيل الدخول' })).toBeVisible();
  // Right to left inside the card; the element itself keeps the page's direction for the page's layout.
  await expect(card.locator('[part~="base"]')).toHaveAttribute('dir', 'rtl');
  await expect(card.locator('form')).toHaveCSS('direction', 'rtl');
  await expect(card).not.toHaveAttribute('dir', /.*/);
  await expect(card.getByLabel('البريد الإلكتروني')).toHaveAttribute('dir', 'ltr');

  await card.getByLabel('البريد الإلكتروني').fill(email);
  await card.getByRole('button', { name: 'متابعة', exact: true }).click();
  await expect(card.getByRole('heading', { name: 'أدخل كلمة المرور' })).toBeVisible();

  await card.getByLabel('كلمة المرور', { exact: true }).fill('not the password');
  await card.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
  await expect(card.getByRole('alert')).toHaveText('البريد الإلكتروني وكلمة المرور غير متطابقين. حاول مرة أخرى، أو أعد تعيين كلمة المرور.');

  await card.getByLabel('كلمة المرور', { exact: true }).fill(password);
  await card.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
  const demo = new DemoPage(page);
  await demo.expectSignedIn(email, ['pwd']);
  const userButton = demo.userButton.getByRole('button', { expanded: false });
  await expect(userButton).toHaveAttribute('dir', 'rtl');

  // On a phone the button stays at the end of the top bar and its menu opens on screen.
  await page.setViewportSize({ width: 375, height: 700 });
  await userButton.click();
  const menu = demo.userButton.getByRole('menu', { name: 'الحساب' });
  await expect(menu).toBeVisible();
  const box = (await menu.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  expect((await demo.userButton.boundingBox())!.x).toBeGreaterThan(375 / 2);
  await demo.userButton.getByRole('menuitem', { name: 'تسجيل الخروج' }).click();
  await expect(card.getByLabel('البريد الإلكتروني')).toBeVisible();
});
