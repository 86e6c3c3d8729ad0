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
  await expect(card).toHaveAttribute('dir', 'rtl');
  await expect(card.locator('form')).toHaveCSS('direction', 'rtl');

  await card.getByLabel('البريد الإلكتروني').fill(email);
  await card.getByRole('button', { name: 'متابعة' }).click();
  await expect(card.getByRole('heading', { name: 'أدخل كلمة المرور' })).toBeVisible();

  await card.getByLabel('كلمة المرور', { exact: true }).fill('not the password');
  await card.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
  await expect(card.getByRole('alert')).toHaveText('البريد الإلكتروني وكلمة المرور غير متطابقين. حاول مرة أخرى، أو أعد تعيين كلمة المرور.');

  await card.getByLabel('كلمة المرور', { exact: true }).fill(password);
  await card.getByRole('button', { name: 'تسجيل الدخول', exact: true }).click();
  const demo = new DemoPage(page);
  await demo.expectSignedIn(email, ['pwd']);
  await expect(demo.userButton).toHaveAttribute('dir', 'rtl');

  await demo.userButton.getByRole('button', { expanded: false }).click();
  await expect(demo.userButton.getByRole('menu', { name: 'الحساب' })).toBeVisible();
  await demo.userButton.getByRole('menuitem', { name: 'تسجيل الخروج' }).click();
  await expect(card.getByLabel('البريد الإلكتروني')).toBeVisible();
});
