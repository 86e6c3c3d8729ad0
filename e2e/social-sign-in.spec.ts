import { DemoPage } from './pages/demo-page.js';
import { DevIdpPage } from './pages/dev-idp-page.js';
import { expect, test } from './fixtures/broker.js';

// "Continue with DevHub": the dev IdP's GitHub-style provider (OAuth 2.0, no ID token; the
// broker reads the user and verified-emails APIs). The browser leaves for 127.0.0.1, another
// site, and comes back to the demo, where lk-sign-in picks the flow up (`lk_resume`).

test('"Continue with DevHub" signs cy@devhub.test in, and the demo backend verifies the token', async ({ page }) => {
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.root.getByRole('button', { name: 'Continue with DevHub' }).click();

  const idp = new DevIdpPage(page);
  await idp.signIn('cy@devhub.test');

  // A social sign-in is a federated factor (amr "fed"), in no organization.
  await demo.expectSignedIn('cy@devhub.test', ['fed'], 'Cy Devhub');
  // The resume marker is gone from the address bar.
  expect(new URL(page.url()).searchParams.has('lk_resume')).toBe(false);
  const firstSub = await demo.claim('sub').textContent();
  await demo.signOut();

  // The second time is the same account (keyed by DevHub's issuer and user id), not a new one.
  await demo.signIn.root.getByRole('button', { name: 'Continue with DevHub' }).click();
  await idp.signIn('cy@devhub.test');
  await demo.expectSignedIn('cy@devhub.test', ['fed'], 'Cy Devhub');
  await expect(demo.claim('sub')).toHaveText(firstSub!);
  await demo.signOut();
});

test('declining at the IdP shows why, with a way back to the email step', async ({ page }) => {
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.root.getByRole('button', { name: 'Continue with DevHub' }).click();
  await new DevIdpPage(page).cancel();

  await expect(demo.signIn.root.getByRole('heading', { name: 'Sign-in was cancelled' })).toBeVisible();
  await demo.signIn.root.getByRole('button', { name: 'Back to sign in' }).click();
  await expect(demo.signIn.email).toBeVisible();
  await expect(demo.signIn.email).toBeFocused();
});
