import { DemoPage } from './pages/demo-page.js';
import { DevIdpPage } from './pages/dev-idp-page.js';
import { expect, test } from './fixtures/broker.js';
import { fromPage } from './fixtures/account-api.js';
import { freshTotp, totp } from './fixtures/totp.js';

// A social sign-in is a first factor like any other: DevHub's user with an authenticator app
// is asked for its code before any session (issue 23: "a social sign-in (DevHub) of a user
// with TOTP asks for the code"). cy@devhub.test is the one DevHub user other journeys sign in
// with, so the app is removed again at the end, whatever happened.

test('a DevHub sign-in of a user with an authenticator app asks for its code before any session', async ({ page }) => {
  const demo = new DemoPage(page);
  const idp = new DevIdpPage(page);
  const continueWithDevHub = async () => {
    await demo.signIn.root.getByRole('button', { name: 'Continue with DevHub' }).click();
    await idp.signIn('cy@devhub.test');
  };
  await demo.goto();
  await continueWithDevHub();
  await demo.expectSignedIn('cy@devhub.test', ['fed'], 'Cy Devhub');

  const started = await fromPage<{ enrollment_id: string; secret: string }>(page, 'POST', '/v1/mfa/totp', {});
  expect(started.status).toBe(200);
  const confirmed = await fromPage<{ factor: { id: string } }>(page, 'POST', '/v1/mfa/totp/confirm', { enrollment_id: started.body.enrollment_id, code: totp(started.body.secret, Date.now(), -1) });
  expect(confirmed.status).toBe(201);
  try {
    await demo.signOut();
    await continueWithDevHub();
    await expect(demo.signIn.root.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
    // Back from DevHub, and still no session: no token between the two factors.
    expect((await fromPage(page, 'POST', '/v1/session/token', {})).status).toBe(401);
    await demo.signIn.root.getByLabel('Authentication code').fill(freshTotp(started.body.secret));
    await demo.expectSignedIn('cy@devhub.test', ['fed', 'otp', 'mfa'], 'Cy Devhub');
  } finally {
    // Signed in with the app just now: recent enough for the change (step-up).
    const removed = await fromPage(page, 'DELETE', `/v1/mfa/totp/${confirmed.body.factor.id}`);
    expect(removed.status).toBe(204);
  }
  await demo.signOut();
});
