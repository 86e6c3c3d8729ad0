import { DemoPage } from './pages/demo-page.js';
import { DevIdpPage } from './pages/dev-idp-page.js';
import { adminApi, demoOrganization, demoUrl, devIdpUrl, expect, test } from './fixtures/broker.js';

// Globex (demo seed): verified domain globex.test and a SAML connection made from the dev SAML
// IdP's metadata URL, IdP-initiated sign-in allowed, IdP group `admins` → role `admin`. The IdP
// (127.0.0.1) posts its response cross-site to the broker's ACS (localhost), as real IdPs do.

test('typing bo@globex.test signs in through the dev SAML IdP, with Globex and the role admin in the token', async ({ page, api }) => {
  const globex = await demoOrganization(api, 'globex');
  const demo = new DemoPage(page);
  await demo.goto();

  await demo.signIn.email.fill('bo@globex.test');
  await demo.signIn.root.getByRole('button', { name: 'Continue', exact: true }).click();

  // Straight to Globex's IdP; its page posts the SAML response to the ACS, which sends the browser home.
  await new DevIdpPage(page).signIn('bo@globex.test');
  await demo.expectSignedIn('bo@globex.test', ['fed'], 'Bo Globex', { id: globex.id, role: 'admin' });
  await demo.signOut();
});

test('IdP-initiated sign-in on Globex lands signed in on the app; a connection that does not allow it refuses', async ({ page, api }) => {
  const globex = await demoOrganization(api, 'globex');
  const { data: connections } = await adminApi<{ data: Array<{ id: string; sp_entity_id: string; idp_initiated: boolean }> }>(api, 'GET', `/organizations/${globex.id}/connections`);
  const saml = connections[0]!;
  expect(saml.idp_initiated).toBe(true);

  await page.goto(`${devIdpUrl}/saml/launch?sp=${encodeURIComponent(saml.sp_entity_id)}`);
  await new DevIdpPage(page).signIn('bo@globex.test');
  await expect(page).toHaveURL((url) => url.origin === demoUrl);
  const demo = new DemoPage(page);
  await expect(demo.backendStatus).toHaveText('Token verified by the demo backend.');
  await expect(demo.claim('org_id')).toHaveText(JSON.stringify(globex.id));
  await expect(demo.claim('org_role')).toHaveText('"admin"');
  await demo.signOut();

  // Another organization's connection, made without idp_initiated: the ACS refuses the unsolicited response.
  const other = await adminApi<{ id: string }>(api, 'POST', '/organizations', { name: `Initech ${Date.now()}` });
  const strict = await adminApi<{ id: string; sp_entity_id: string }>(api, 'POST', `/organizations/${other.id}/connections`, { type: 'saml', metadata_url: `${devIdpUrl}/saml/metadata` });
  await page.goto(`${devIdpUrl}/saml/launch?sp=${encodeURIComponent(strict.sp_entity_id)}`);
  await new DevIdpPage(page).signIn('bo@globex.test');
  // The browser gets a page (not JSON) with the reference its admins find the reason under.
  await expect(page.getByRole('heading', { name: 'Sign-in failed' })).toBeVisible();
  const reference = await page.locator('code').textContent();
  const { data: rejections } = await adminApi<{ data: Array<{ reference: string; reason: string }> }>(api, 'GET', `/organizations/${other.id}/connections/${strict.id}/rejections`);
  expect(rejections).toEqual([expect.objectContaining({ reference, reason: 'unsolicited' })]);
  await adminApi(api, 'DELETE', `/organizations/${other.id}`);
});

test('Globex signs its AuthnRequests and takes encrypted assertions only; "test connection" reports without signing in', async ({ page, api }) => {
  const globex = await demoOrganization(api, 'globex');
  const { data: connections } = await adminApi<{ data: Array<{ id: string; sign_requests: boolean; encrypt_assertions: boolean }> }>(api, 'GET', `/organizations/${globex.id}/connections`);
  const saml = connections[0]!;
  expect(saml).toMatchObject({ sign_requests: true, encrypt_assertions: true });

  // The admin runs a connection test: the URL goes to the IdP with a signed AuthnRequest.
  const started = await adminApi<{ id: string; url: string }>(api, 'POST', `/organizations/${globex.id}/connections/${saml.id}/tests`, {});
  expect(new URL(started.url).searchParams.get('Signature')).toBeTruthy();
  const acs = page.waitForRequest((request) => request.url().endsWith('/acs') && request.method() === 'POST');
  await page.goto(started.url);
  await new DevIdpPage(page).signIn('bo@globex.test');
  // What the IdP posted was encrypted: the address is not in the form.
  expect(decodeURIComponent((await acs).postData() ?? '')).toMatch(/SAMLResponse=/);
  expect(Buffer.from(new URLSearchParams((await acs).postData() ?? '').get('SAMLResponse') ?? '', 'base64').toString()).toContain('EncryptedAssertion');
  await expect(page.getByRole('heading', { name: 'Connection test passed' })).toBeVisible();
  await expect(page.getByText('bo@globex.test').first()).toBeVisible();
  const report = await adminApi<{ status: string; report: { mapped: { role: string }; sign_in: { would_sign_in: boolean } } }>(api, 'GET', `/organizations/${globex.id}/connections/${saml.id}/tests/${started.id}`);
  expect(report).toMatchObject({ status: 'passed', report: { mapped: { role: 'admin' }, sign_in: { would_sign_in: true } } });
  // Nobody was signed in: the demo shows the sign-in form.
  const demo = new DemoPage(page);
  await demo.goto();
  await expect(demo.signIn.email).toBeVisible();
});
