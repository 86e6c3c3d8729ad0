import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { brokerUrl, createAccount, expect, test, uniqueEmail } from './fixtures/broker.js';

/**
 * DESIGN.md, "Deployment shapes": calls from another origin go through CORS with
 * credentials for allowlisted origins only, and the broker's Origin check refuses the
 * rest. A page of another site (127.0.0.1), or of another *.localhost name, calls the
 * broker with the browser's credentials and the right password: CORS shows it nothing,
 * the request that reaches the broker anyway is refused, and no session or flow is made.
 *
 * Not here: a same-site pair on *.localhost. Chromium counts each *.localhost name as a
 * site of its own (`localhost` is no known registry, so app.localhost and auth.localhost
 * have no common registrable domain): a demo opened as app.localhost signed in at the
 * broker on localhost (200, cookies set) and its next call, /v1/session/token, came without the
 * SameSite=Lax session cookie (401).
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
async function callBroker(page: Page, path: string, body: unknown) {
  return page.evaluate(
    async ({ url, body }) => {
      const outcome = (request: Promise<Response>) => request.then((response) => `read ${response.status}`, (error: Error) => `refused: ${error.name}`);
      return [
        await outcome(fetch(url, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
        await outcome(fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })),
      ];
    },
    { url: `${brokerUrl}${path}`, body },
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
