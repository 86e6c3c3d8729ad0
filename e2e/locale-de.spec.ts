import { DemoPage } from './pages/demo-page.js';
import { createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';

const password = 'correct horse battery staple';

test('a returning user signs in with their password in German', async ({ page, api, outbox }) => {
  const email = uniqueEmail('de');
  await createAccount(api, outbox, email, password);
  // The demo turns ?lang=de into <lk-config locale="de">.
  await page.goto('/?lang=de');
  const card = page.locator('lk-sign-in');
  await expect(card.getByRole('heading', { level: 2, name: 'Anmelden' })).toBeVisible();
  await expect(card).not.toHaveAttribute('dir');

  await card.getByLabel('E-Mail').fill(email);
  await card.getByRole('button', { name: 'Weiter', exact: true }).click();
  await expect(card.getByRole('heading', { name: 'Passwort eingeben' })).toBeVisible();

  // A wrong password is explained in German, never with the broker's English title.
  await card.getByLabel('Passwort', { exact: true }).fill('not the password');
  await card.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(card.getByRole('alert')).toHaveText('E-Mail-Adresse und Passwort passen nicht zusammen. Versuchen Sie es erneut oder setzen Sie Ihr Passwort zurück.');

  await card.getByLabel('Passwort', { exact: true }).fill(password);
  await card.getByRole('button', { name: 'Anmelden', exact: true }).click();
  const demo = new DemoPage(page);
  await demo.expectSignedIn(email, ['pwd']);
  await expect(page).toHaveURL(/\?lang=de#signed-in$/);

  // The user button speaks German too.
  await demo.userButton.getByRole('button', { expanded: false }).click();
  await expect(demo.userButton.getByRole('menu', { name: 'Konto' })).toBeVisible();
  await demo.userButton.getByRole('menuitem', { name: 'Abmelden' }).click();
  await expect(card.getByLabel('E-Mail')).toBeVisible();
});
