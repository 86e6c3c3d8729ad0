import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, createAccount, expect, sameSiteDemoUrl, test, uniqueEmail } from './fixtures/broker.js';

/**
 * DESIGN.md, "Deployment shapes": browsers block third-party cookies, so the broker is
 * same-site with the host page, and calls from another origin go through CORS with
 * credentials for allowlisted origins only. Here the demo is opened as app.localhost
 * (Chromium resolves *.localhost to loopback) and talks to the broker on localhost:
 * one site, two origins, like app.example.com and auth.example.com. A page of another
 * site, or of this site but not allowlisted, gets nothing from the broker.
 */

const password = 'correct horse battery staple';

test('the demo on app.localhost signs in through the broker on localhost: a host-only session cookie on the broker, a token for the app', async ({ page, api, outbox }) => {
  const email = uniqueEmail('same-site');
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await page.goto(`${sameSiteDemoUrl}/`);
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);
  expect(new URL(page.url()).origin).toBe(sameSiteDemoUrl);
  // The broker minted the token for the page's own origin, and the demo's backend took it.
  await expect(demo.claim('aud')).toHaveText(JSON.stringify(sameSiteDemoUrl));

  // Plain-http localhost holds no Secure cookie: `lk_session`, not `__Host-`, on the broker's host only.
  const session = (await page.context().cookies(brokerUrl)).find((cookie) => cookie.name === 'lk_session');
  expect(session).toMatchObject({ domain: 'localhost', path: '/', httpOnly: true, secure: false, sameSite: 'Lax' });
  expect((await page.context().cookies(sameSiteDemoUrl)).map((cookie) => cookie.name)).not.toContain('lk_session');

  // A reload on the app's origin is still signed in: the same-site cookie goes with its credentialed calls.
  await page.reload();
  await demo.expectSignedIn(email, ['pwd']);
  await demo.signOut();
});

/**
 * Another site's page: a bare HTML page served from this machine's loopback (a real server,
 * so Chromium sees a local page calling a local broker, as it would at a real site).
 */
const otherSite = { port: '', close: async () => {} };
test.beforeAll(async () => {
  const page = '<!doctype html><title>Another site</title><h1>Another site</h1>';
  const servers = [createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page))];
  await new Promise<void>((resolve) => servers[0]!.listen(0, '127.0.0.1', resolve));
  const { port } = servers[0]!.address() as AddressInfo;
  // Chromium may try ::1 first for a *.localhost name: answer there too where the machine has it.
  const v6 = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise<void>((resolve) => v6.once('error', () => resolve()).listen(port, '::1', () => (servers.push(v6), resolve())));
  otherSite.port = String(port);
  otherSite.close = () => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))).then(() => {});
});
test.afterAll(() => otherSite.close());

/**
 * From the page: a credentialed JSON call (CORS preflight) and a "simple" no-cors POST (no
 * preflight: only the broker's Origin check stands between it and a sign-in).
 */
async function callBroker(page: Page, path: string, body: unknown) {
  const sent = page.waitForResponse((response) => response.url() === `${brokerUrl}${path}` && response.request().method() === 'POST');
  const result = await page.evaluate(
    async ({ url, body }) => {
      const cors = await fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        (response) => `read ${response.status}`,
        (error: Error) => `refused: ${error.name}`,
      );
      await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) });
      return cors;
    },
    { url: `${brokerUrl}${path}`, body },
  );
  return { cors: result, simple: await sent };
}

for (const [who, host] of [
  ['another site (127.0.0.1)', '127.0.0.1'],
  ['another origin of the same site, not allowlisted (evil.localhost)', 'evil.localhost'],
] as const) {
  test(`a page of ${who} gets no session and starts no flow`, async ({ page, api, outbox }) => {
    const email = uniqueEmail('cross-site');
    await createAccount(api, outbox, email, password);
    const mailBefore = (await outbox.messages(email)).length;
    await page.goto(`http://${host}:${otherSite.port}/`);
    await expect(page.getByRole('heading', { name: 'Another site' })).toBeVisible();

    // The right password: only the origin stands in the way.
    const signIn = await callBroker(page, '/v1/sign-in/password', { email, password });
    // CORS gives the page nothing to read (no Access-Control-Allow-Origin for it)...
    expect(signIn.cors).toBe('refused: TypeError');
    // ...and the request that reached the broker anyway was refused by its Origin check.
    expect(signIn.simple.status()).toBe(403);
    expect(await signIn.simple.json()).toMatchObject({ code: 'forbidden_origin' });
    expect(await signIn.simple.headerValue('set-cookie')).toBeNull();

    // An email code: no flow, so no mail.
    const code = await callBroker(page, '/v1/sign-in/email-code', { email });
    expect([code.cors, code.simple.status()]).toEqual(['refused: TypeError', 403]);
    expect((await page.context().cookies(brokerUrl)).map((cookie) => cookie.name)).toEqual([]);
    // Mail leaves a moment after its request (see mail-queue.ts): give a wrongly started flow the time to show.
    await page.waitForTimeout(300);
    expect(await outbox.messages(email)).toHaveLength(mailBefore);
  });
}
