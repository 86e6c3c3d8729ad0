import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';
import { mailedCode, uniqueEmail } from './accounts.js';
import { serveStatic } from './static-server.js';

/**
 * README, Install, "Plain HTML": one script tag and the elements, nothing built. The page
 * records `lk-signed-in` (and cancels its navigation, so the test can read it).
 */
const page = (brokerUrl: string, body: string, locale = '') => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <script type="module" src="/npm/@latchkey/elements/cdn/latchkey.js"></script>
  </head>
  <body>
    <lk-config broker="${brokerUrl}"${locale ? ` locale="${locale}"` : ''}>
      ${body}
    </lk-config>
    <script>
      addEventListener('lk-signed-in', (event) => {
        event.preventDefault();
        document.body.dataset.signedIn = event.detail.user.email;
      });
    </script>
  </body>
</html>`;

let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let brokerUrl: string;

beforeAll(async () => {
  brokerUrl = inject('brokerUrl');
  // A CDN serves the package's files as they are in the tarball: unpack it under /npm/.
  const root = mkdtempSync(join(tmpdir(), 'latchkey-install-cdn-'));
  const cdn = join(root, 'npm', '@latchkey', 'elements');
  mkdirSync(cdn, { recursive: true });
  execFileSync('tar', ['-xzf', inject('packs')['@latchkey/elements']!, '-C', cdn, '--strip-components=1']);
  writeFileSync(join(root, 'sign-up.html'), page(brokerUrl, '<lk-sign-up sign-in-url="/sign-in.html"></lk-sign-up>'));
  writeFileSync(join(root, 'sign-in.html'), page(brokerUrl, '<lk-sign-in sign-up-url="/sign-up.html"></lk-sign-in>'));
  writeFileSync(join(root, 'de.html'), page(brokerUrl, '<lk-sign-in></lk-sign-in>', 'de'));
  site = await serveStatic(root, inject('pagePorts').cdn);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Every request the page makes, so the test can tell the module loaded nothing from elsewhere. */
function requestsOf(tab: Page) {
  const urls: string[] = [];
  tab.on('request', (request) => void urls.push(request.url()));
  return urls;
}

test('a plain HTML page with only cdn/latchkey.js signs a user up, and then in, against the broker from its tarball', async () => {
  const email = uniqueEmail('cdn');
  const password = 'correct horse battery staple';

  const signUp = await (await browser.newContext()).newPage();
  const requests = requestsOf(signUp);
  await signUp.goto(`${site.url}/sign-up.html`);
  const card = signUp.locator('lk-sign-up');
  await card.getByLabel('Email').fill(email);
  await card.getByLabel('Password', { exact: true }).fill(password);
  await card.getByRole('button', { name: 'Create account', exact: true }).click();
  await card.getByRole('heading', { name: 'Check your email' }).waitFor();
  await card.getByLabel('Verification code').fill(await mailedCode(brokerUrl, email));
  await expect.poll(() => signUp.locator('body').getAttribute('data-signed-in'), { timeout: 15_000 }).toBe(email);

  // One module from the page's own server (no chunk, no CDN of lit); the rest is the broker.
  const scripts = requests.filter((url) => url.endsWith('.js'));
  expect(scripts).toEqual([`${site.url}/npm/@latchkey/elements/cdn/latchkey.js`]);
  expect(requests.filter((url) => !url.startsWith(site.url) && !url.startsWith(brokerUrl))).toEqual([]);

  // Another browser, no cookie: sign in with the password just set.
  const signIn = await (await browser.newContext()).newPage();
  await signIn.goto(`${site.url}/sign-in.html`);
  const form = signIn.locator('lk-sign-in');
  await form.getByLabel('Email').fill(email);
  await form.getByRole('button', { name: 'Continue', exact: true }).click();
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect.poll(() => signIn.locator('body').getAttribute('data-signed-in'), { timeout: 15_000 }).toBe(email);
});

test('a page in German loads the translation from beside the module, only then', async () => {
  const tab = await (await browser.newContext()).newPage();
  const requests = requestsOf(tab);
  await tab.goto(`${site.url}/de.html`);
  await tab.locator('lk-sign-in').getByRole('heading', { level: 2, name: 'Anmelden' }).waitFor();
  expect(requests.filter((url) => url.endsWith('.js'))).toEqual([
    `${site.url}/npm/@latchkey/elements/cdn/latchkey.js`,
    `${site.url}/npm/@latchkey/elements/cdn/locales/de.js`,
  ]);
});
