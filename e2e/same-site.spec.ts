import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { DemoPage } from './pages/demo-page.js';
import { brokerUrl, createAccount, expect, Outbox, test, uniqueEmail } from './fixtures/broker.js';
import { sameSite, startSameSiteServices } from './fixtures/same-site.js';

/**
 * DESIGN.md, "Deployment shapes": the broker is same-site with its host page, on a subdomain
 * of the host's site, and calls from another origin go through CORS with credentials for
 * allowlisted origins only; the broker's Origin check refuses the rest.
 *
 * Which names are one site, as Chromium counts them (the Sec-Fetch-Site the broker receives, and
 * whether it sends a SameSite=Lax cookie set by the broker):
 * - app.localhost → auth.localhost: cross-site, no cookie. `localhost` counts as a top-level
 *   domain, so each *.localhost name is a registrable domain, a site, of its own.
 * - app.latchkey.localhost → auth.latchkey.localhost: same-site (the site latchkey.localhost),
 *   cookie sent. Both still resolve to loopback in the browser, and the page is a secure context.
 * So the journey below runs on app.latchkey.localhost and auth.latchkey.localhost; the refusals
 * come from 127.0.0.1 and evil.localhost, other sites than either.
 */
const password = 'correct horse battery staple';

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
 * From the page, with the browser's credentials: a JSON call (CORS preflight first) and a
 * "simple" no-cors POST, which needs no preflight and reaches the broker: there only its
 * Origin check stands between the request and a sign-in. Answers what the page could read.
 */
async function callBroker(page: Page, path: string, body: unknown, broker = brokerUrl) {
  return page.evaluate(
    async ({ url, body }) => {
      const outcome = (request: Promise<Response>) => request.then((response) => `read ${response.status}`, (error: Error) => `refused: ${error.name}`);
      return [
        await outcome(fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
        await outcome(fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })),
      ];
    },
    { url: `${broker}${path}`, body },
  );
}

for (const [who, host] of [
  ['another site (127.0.0.1)', '127.0.0.1'],
  ['another *.localhost origin (evil.localhost, its own site in Chromium)', 'evil.localhost'],
] as const) {
  test(`a page of ${who} gets no session and starts no flow`, async ({ page, api, outbox }) => {
    const email = uniqueEmail('cross-site');
    await createAccount(api, outbox, email, password);
    const mailBefore = (await outbox.messages(email)).length;
    await page.goto(`http://${host}:${otherSite.port}/`);
    await expect(page.getByRole('heading', { name: 'Another site' })).toBeVisible();

    // The right password, and an email code: only the origin stands in the way.
    for (const [path, body] of [['/v1/sign-in/password', { email, password }], ['/v1/sign-in/email-code', { email }]] as const) {
      const [cors, simple] = await callBroker(page, path, body);
      // CORS gives the page nothing (no Access-Control-Allow-Origin for it); the no-cors answer is opaque at most.
      expect(cors).toBe('refused: TypeError');
      expect(simple).toMatch(/^(read 0|refused: TypeError)$/);
      // What the broker answered that page's Origin (the browser hides it from the page): 403, no cookie.
      const answer = await api.post(`${brokerUrl}${path}`, { data: body, headers: { origin: new URL(page.url()).origin } });
      expect(answer.status()).toBe(403);
      expect(await answer.json()).toMatchObject({ code: 'forbidden_origin' });
      expect(answer.headers()['set-cookie']).toBeUndefined();
    }
    // No session and no flow: no broker cookie in the browser, and no code mailed.
    expect((await page.context().cookies(brokerUrl)).map((cookie) => cookie.name)).toEqual([]);
    // Mail leaves a moment after its request (see mail-queue.ts): give a wrongly started flow the time to show.
    await page.waitForTimeout(300);
    expect(await outbox.messages(email)).toHaveLength(mailBefore);
  });
}

/** A fresh session token from the page, as the client refreshes it: the status, and the token's claims. */
async function mintToken(page: Page) {
  const { status, token } = await page.evaluate(async (url) => {
    const response = await fetch(`${url}/v1/session/token`, { method: 'POST', credentials: 'include' });
    return { status: response.status, token: response.ok ? ((await response.json()) as { token: string }).token : null };
  }, sameSite.authUrl);
  return { status, claims: token ? (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>) : null };
}

test.describe('one site: the demo on app.latchkey.localhost, the broker on auth.latchkey.localhost', () => {
  let services: Awaited<ReturnType<typeof startSameSiteServices>> | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    services = await startSameSiteServices();
  });
  test.afterAll(() => services?.close());
  /** What the broker receives from now on. */
  const watchBroker = () => {
    const from = services!.received.length;
    return () => services!.received.slice(from);
  };
  test.use({ baseURL: sameSite.appUrl });

  test('a user signs up, stays signed in over a reload, refreshes and signs out: every call same-site, with the cookie', async ({ page, api }) => {
    const outbox = new Outbox(api, sameSite.brokerUrl);
    const received = watchBroker();
    const demo = new DemoPage(page);
    const email = uniqueEmail('same-site');
    await demo.goto('#sign-up');
    // Plain http, yet a secure context: *.localhost is potentially trustworthy, as a passkey needs.
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await demo.signUp.fillDetails({ name: 'Grace Hopper', email, password });
    await demo.signUp.code.fill(await outbox.nextCode(email));
    await demo.expectSignedIn(email, ['pwd'], 'Grace Hopper');
    // The broker's own cookie, on its own host: not shared with the app's host, only sent to the broker.
    const cookie = (await page.context().cookies(sameSite.authUrl)).find((c) => c.name === 'lk_session');
    expect(cookie).toMatchObject({ domain: 'auth.latchkey.localhost', httpOnly: true, sameSite: 'Lax' });

    // A reload: the browser sends the cookie with the page's calls, and the session is back.
    const beforeReload = received().length;
    await page.reload();
    await demo.expectSignedIn(email, ['pwd'], 'Grace Hopper');
    const afterReload = received().slice(beforeReload);
    for (const path of ['/v1/session', '/v1/session/token']) {
      expect(afterReload).toContainEqual(expect.objectContaining({ path, site: 'same-site', sessionCookie: true, status: 200, allowOrigin: sameSite.appUrl }));
    }

    // A refresh: a new token from the cookie alone, for this page, from the broker.
    const refreshed = await mintToken(page);
    expect(refreshed.status).toBe(200);
    expect(refreshed.claims).toMatchObject({ iss: sameSite.brokerUrl, aud: sameSite.appUrl });

    // Sign out: the broker ends the session and clears its cookie; a reload finds no session.
    await demo.signOut();
    expect((await page.context().cookies(sameSite.authUrl)).map((c) => c.name)).not.toContain('lk_session');
    expect((await mintToken(page)).status).toBe(401);
    await page.reload();
    await expect(demo.signIn.email).toBeVisible();

    // Every call of the page reached the broker same-site, from the app's origin: the browser counts the two names one site.
    const all = received();
    expect(all.length).toBeGreaterThan(10);
    expect(new Set(all.map((request) => `${request.site} from ${request.origin}`))).toEqual(new Set([`same-site from ${sameSite.appUrl}`]));
  });

  // Two other sites, and a page of the same site the broker does not allow: the browser sends that
  // one the cookie (SameSite=Lax is no defence within a site), so the Origin allowlist must refuse it.
  for (const [who, host, site] of [
    ['another site (127.0.0.1)', '127.0.0.1', 'cross-site'],
    ['another *.localhost site (evil.localhost)', 'evil.localhost', 'cross-site'],
    ['the same site, not allowlisted (evil.latchkey.localhost)', 'evil.latchkey.localhost', 'same-site'],
  ] as const) {
    test(`a page of ${who} can neither use nor end the session a user holds at the broker`, async ({ page, api }) => {
      const outbox = new Outbox(api, sameSite.brokerUrl);
      const email = uniqueEmail('same-site-refused');
      await createAccount(api, outbox, email, password, { broker: sameSite.brokerUrl, origin: sameSite.appUrl });
      const demo = new DemoPage(page);
      await demo.goto();
      await demo.signIn.signInWithPassword(email, password);
      await demo.expectSignedIn(email, ['pwd']);
      const cookiesBefore = await page.context().cookies(sameSite.authUrl);
      expect(cookiesBefore.map((c) => c.name)).toContain('lk_session');

      // The other site's page, in the same browser that holds the session.
      const other = await page.context().newPage();
      const received = watchBroker();
      await other.goto(`http://${host}:${otherSite.port}/`);
      await expect(other.getByRole('heading', { name: 'Another site' })).toBeVisible();

      // Read the session, mint a token, end the session, sign in again: CORS shows the page nothing.
      const read = await other.evaluate((url) => fetch(`${url}/v1/session`, { credentials: 'include' }).then((r) => `read ${r.status}`, (e: Error) => `refused: ${e.name}`), sameSite.authUrl);
      expect(read).toBe('refused: TypeError');
      for (const [path, body] of [['/v1/session/token', {}], ['/v1/sign-out', {}], ['/v1/sign-in/password', { email, password }]] as const) {
        const [cors, simple] = await callBroker(other, path, body, sameSite.authUrl);
        expect(cors).toBe('refused: TypeError');
        expect(simple).toMatch(/^(read 0|refused: TypeError)$/);
      }

      // What reached the broker: from another site without the session cookie (SameSite=Lax), from
      // the same site with it (a CORS preflight never carries one); never with a CORS grant or a new cookie...
      const sent = received();
      expect(sent.length).toBeGreaterThan(0);
      for (const request of sent) {
        expect(request).toMatchObject({ origin: `http://${host}:${otherSite.port}`, site, sessionCookie: site === 'same-site' && request.method !== 'OPTIONS', setsCookie: false, allowOrigin: undefined });
      }
      // ...and each POST that needed no preflight (the no-cors ones) was refused by the Origin check with the broker's problem type.
      const posts = sent.filter((request) => request.method === 'POST');
      expect(posts.map((request) => request.path).sort()).toEqual(['/v1/session/token', '/v1/sign-in/password', '/v1/sign-out']);
      for (const post of posts) expect(post).toMatchObject({ status: 403, problemType: 'urn:latchkey:problem:forbidden_origin' });
      await other.close();

      // The user's session is untouched: the same cookie, and still signed in after a reload.
      expect(await page.context().cookies(sameSite.authUrl)).toEqual(cookiesBefore);
      await page.reload();
      await demo.expectSignedIn(email, ['pwd']);
    });
  }
});
