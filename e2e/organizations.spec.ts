import type { Browser, Locator, Page } from '@playwright/test';
import type { Organization } from '@latchkey/client';
import { DemoPage } from './pages/demo-page.js';
import { fromPage } from './fixtures/account-api.js';
import { adminApi, createAccount, demoUrl, expect, test, uniqueEmail, type Outbox } from './fixtures/broker.js';
import { freshTotp } from './fixtures/totp.js';

/**
 * Organizations (issue 24) in Chromium against the real broker and the demo: an
 * organization made in the header's switcher, an invitation accepted in another
 * browser, a multi-use invite link, access requests decided with a reason the
 * requester sees, each tab's own organization in the token the demo backend
 * verifies, an organization's "MFA required" met by enrolling on the switch, and
 * the audit log listing each step.
 */

const password = 'correct horse battery staple';

/** A name as the elements set it apart in a sentence (Unicode isolates), so it reads right in Arabic too. */
const iso = (text: string) => `\u2068${text}\u2069`;

/** A fresh account signed in on the demo in `page` (a browser of its own when it is a new context). */
async function signedIn(page: Page, api: Parameters<typeof createAccount>[0], outbox: Outbox, label: string, email = uniqueEmail(label)) {
  await createAccount(api, outbox, email, password);
  const demo = new DemoPage(page);
  await demo.goto();
  await demo.signIn.signInWithPassword(email, password);
  await demo.expectSignedIn(email, ['pwd']);
  return { demo, email };
}

/** The header's organization switcher, and its menu opened. */
function switcher(page: Page) {
  const root = page.locator('header lk-org-switcher');
  return {
    root,
    async open(): Promise<Locator> {
      await root.getByRole('button', { expanded: false }).first().click();
      const menu = root.getByRole('menu', { name: 'Organizations' });
      await expect(menu).toBeVisible();
      return menu;
    },
  };
}

/** Creates an organization from the header's switcher: the tab switches into it. */
async function createOrganization(page: Page, name: string) {
  const menu = await switcher(page).open();
  await menu.getByRole('menuitem', { name: 'Create organization' }).click();
  const root = switcher(page).root;
  await root.getByLabel('Organization name').fill(name);
  await root.getByRole('button', { name: 'Create organization' }).click();
  await expect(switcher(page).root).toContainText(name);
}

/** The claim the demo backend verified, as JSON. */
async function verifiedClaim(demo: DemoPage, name: string): Promise<unknown> {
  await expect(demo.backendStatus).toHaveText('Token verified by the demo backend.');
  return JSON.parse((await demo.claim(name).textContent())!);
}

/** The organization this page's tab works in, by name, among the user's own. */
async function organizationNamed(page: Page, name: string): Promise<Organization> {
  const { body } = await fromPage<{ organizations: Organization[] }>(page, 'GET', '/v1/orgs');
  const org = body.organizations.find((o) => o.name === name);
  expect(org, `the user is a member of ${name}`).toBeTruthy();
  return org!;
}

/** The organization page (lk-org-profile) for this tab's organization, one section of it. */
async function orgSection(page: Page, title: string, options: { reload?: boolean } = {}): Promise<Locator> {
  if (options.reload || !page.url().includes('/org.html')) await page.goto('/org.html');
  const section = page.locator('lk-org-profile section').filter({ has: page.getByRole('heading', { level: 3, name: title, exact: true }) });
  await expect(section).toBeVisible();
  return section;
}

/** The newest mail to `to` and the first link of the demo in it. */
async function mailedLink(outbox: Outbox, to: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(async () => {
      const [message] = await outbox.messages(to);
      link = message?.text.match(new RegExp(`${demoUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\S+`))?.[0];
      return link;
    }, { message: `a link mailed to ${to}` })
    .toBeTruthy();
  return link!;
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: demoUrl });
  return context.newPage();
}

test('An organization made in the switcher invites a second person, who accepts in another browser; the audit log lists each step', async ({ page, browser, api, outbox }) => {
  test.setTimeout(120_000);
  const { demo: owner, email: ownerEmail } = await signedIn(page, api, outbox, 'owner');
  const name = `Initech ${Date.now().toString(36)}`;
  await createOrganization(page, name);
  const org = await organizationNamed(page, name);
  expect(org.role).toBe('owner');
  // The backend sees the new organization's token at once (lk-org-changed: the demo asks again).
  await expect.poll(() => verifiedClaim(owner, 'org_id')).toBe(org.id);
  expect(await verifiedClaim(owner, 'org_role')).toBe('owner');
  expect(await verifiedClaim(owner, 'org_permissions')).toContain('members:manage');

  // The owner invites someone who has no account yet.
  const invitee = uniqueEmail('invitee');
  const invitations = await orgSection(page, 'Invitations');
  await invitations.getByLabel('Email').fill(invitee);
  await invitations.getByRole('button', { name: 'Send invitation' }).click();
  await expect(invitations.getByText(invitee)).toBeVisible();

  // The invitee opens the mailed link in a browser of their own, makes the account and joins.
  const other = await newPage(browser);
  await other.goto(await mailedLink(outbox, invitee));
  const signUp = other.locator('lk-sign-up');
  await expect(signUp.getByRole('heading', { name: `Join ${iso(name)}` })).toBeVisible();
  await expect(signUp.getByLabel('Email')).toHaveValue(invitee);
  await signUp.getByLabel('Password', { exact: true }).fill(password);
  await signUp.getByRole('button', { name: 'Create account', exact: true }).click();
  await signUp.getByLabel('Verification code').fill(await outbox.nextCode(invitee, 1));
  // Joined and switched: the demo's backend verifies a token of the organization, as a member.
  const joined = new DemoPage(other);
  await expect(other.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  await expect.poll(() => verifiedClaim(joined, 'org_id')).toBe(org.id);
  expect(await verifiedClaim(joined, 'org_role')).toBe('member');
  await other.context().close();

  // The owner sees the new member, and the audit log lists each step.
  const members = await orgSection(page, 'Members', { reload: true });
  await expect(members.getByText(invitee)).toBeVisible();
  const audit = await orgSection(page, 'Audit log');
  const events = audit.getByRole('table');
  for (const event of ['Organization created', 'Invitation sent', 'Invitation accepted', 'Member added']) {
    await expect(events.getByRole('row').filter({ hasText: event }).first()).toBeVisible();
  }
  await expect(events.getByRole('row').filter({ hasText: 'Invitation sent' }).first()).toContainText(ownerEmail);
  await expect(events.getByRole('row').filter({ hasText: 'Invitation accepted' }).first()).toContainText(invitee);
});

test('Two people join through one multi-use invite link; a third is refused once it is used up', async ({ page, browser, api, outbox }) => {
  test.setTimeout(120_000);
  await signedIn(page, api, outbox, 'linker');
  const name = `Hooli ${Date.now().toString(36)}`;
  await createOrganization(page, name);
  const org = await organizationNamed(page, name);

  const invitations = await orgSection(page, 'Invitations');
  await invitations.getByRole('button', { name: 'Create an invite link' }).click();
  await invitations.getByLabel('Maximum uses').fill('2');
  await invitations.getByRole('button', { name: 'Create link' }).click();
  const url = await invitations.locator('#new-link-url').inputValue();
  expect(url).toContain('lk_invite=');

  for (const label of ['first', 'second']) {
    const other = await newPage(browser);
    const { email } = await signedIn(other, api, outbox, label);
    await other.goto(url);
    const signUp = other.locator('lk-sign-up');
    await expect(signUp.getByText(`You’re signed in as ${iso(email)}.`, { exact: false })).toBeVisible();
    await signUp.getByRole('button', { name: `Join ${iso(name)}` }).click();
    await expect(other.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
    await expect.poll(() => verifiedClaim(new DemoPage(other), 'org_id')).toBe(org.id);
    await other.context().close();
  }

  // Used up: the third person is told the link can't be used, and joins nothing.
  const third = await newPage(browser);
  await signedIn(third, api, outbox, 'third');
  await third.goto(url);
  await expect(third.locator('lk-sign-up').getByRole('heading', { name: 'This invitation can’t be used' })).toBeVisible();
  const { body } = await fromPage<{ organizations: Organization[] }>(third, 'GET', '/v1/orgs');
  expect(body.organizations.map((o) => o.id)).not.toContain(org.id);
  await third.context().close();

  const link = (await orgSection(page, 'Invitations', { reload: true })).locator('[part~="link"]').first();
  await expect(link).toContainText('Used up');
});

test('Access requests by address: one approved and one denied, and the requester sees the reason', async ({ page, browser, api, outbox }) => {
  test.setTimeout(150_000);
  await signedIn(page, api, outbox, 'approver');
  const label = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const name = `Vandelay ${label}`;
  await createOrganization(page, name);
  const org = await organizationNamed(page, name);
  // The domain verified by the operator (the dev machine has no DNS to publish a TXT record in), then
  // opened to requests from the organization's own page.
  const domain = `vandelay-${label}.test`;
  await adminApi(api, 'POST', `/organizations/${org.id}/domains`, { domain });
  const domains = await orgSection(page, 'Domains');
  await domains.getByLabel('Who can join').selectOption('request');
  await expect(domains.getByLabel('Who can join')).toHaveValue('request');

  const ask = async (who: string) => {
    const requester = await newPage(browser);
    await signedIn(requester, api, outbox, who, `${who}@${domain}`);
    const menu = await switcher(requester).open();
    await menu.getByRole('menuitem', { name: new RegExp(`${name}.*Ask to join`) }).click();
    await expect(menu.getByRole('menuitem', { name: new RegExp(`${name}.*Request sent`) })).toBeVisible();
    return requester;
  };
  const art = await ask('art');
  const kramer = await ask('kramer');

  const requests = await orgSection(page, 'Requests to join', { reload: true });
  await requests.getByRole('button', { name: `Approve art@${domain}` }).click();
  await expect(requests.locator('[part~="request"]').filter({ hasText: `art@${domain}` })).toContainText('Approved');
  await requests.getByRole('button', { name: `Deny kramer@${domain}` }).click();
  await requests.getByLabel('Reason (they will see it)').fill('We only take importers and exporters.');
  await requests.getByRole('button', { name: 'Deny request' }).click();
  await expect(requests.getByText('We only take importers and exporters.')).toBeVisible();

  // Approved: a member now, switching in from the menu.
  await art.reload();
  const menu = await switcher(art).open();
  await menu.getByRole('menuitemradio', { name: new RegExp(name) }).click();
  await expect.poll(() => verifiedClaim(new DemoPage(art), 'org_id')).toBe(org.id);
  // Denied: the requester's menu says so, with the reason.
  await kramer.reload();
  await switcher(kramer).open();
  await expect(switcher(kramer).root.getByText(/Request denied: .?We only take importers and exporters\./)).toBeVisible();
  const { body } = await fromPage<{ organizations: Organization[] }>(kramer, 'GET', '/v1/orgs');
  expect(body.organizations.map((o) => o.id)).not.toContain(org.id);
  await art.context().close();
  await kramer.context().close();
});

test('Two tabs on two organizations each keep their own, and the backend verifies each tab its own org_id', async ({ page, api, outbox }) => {
  test.setTimeout(120_000);
  const { demo } = await signedIn(page, api, outbox, 'tabs');
  const stamp = Date.now().toString(36);
  await createOrganization(page, `Acme Tabs ${stamp}`);
  await createOrganization(page, `Globex Tabs ${stamp}`);
  const first = await organizationNamed(page, `Acme Tabs ${stamp}`);
  const second = await organizationNamed(page, `Globex Tabs ${stamp}`);

  // Tab 1 switches to the first organization.
  const menu = await switcher(page).open();
  await menu.getByRole('menuitemradio', { name: new RegExp(`Acme Tabs ${stamp}`) }).click();
  await expect.poll(() => verifiedClaim(demo, 'org_id')).toBe(first.id);

  // Tab 2 (the same browser, so the same session) switches to the second.
  const tab2 = await page.context().newPage();
  const demo2 = new DemoPage(tab2);
  await tab2.goto('/');
  await expect(tab2.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
  const menu2 = await switcher(tab2).open();
  await menu2.getByRole('menuitemradio', { name: new RegExp(`Globex Tabs ${stamp}`) }).click();
  await expect.poll(() => verifiedClaim(demo2, 'org_id')).toBe(second.id);

  // Each tab asks the backend again: its own organization, tab 1 untouched by tab 2's switch.
  await page.getByRole('button', { name: 'Call the backend again' }).click();
  await expect.poll(() => verifiedClaim(demo, 'org_id')).toBe(first.id);
  await tab2.getByRole('button', { name: 'Call the backend again' }).click();
  await expect.poll(() => verifiedClaim(demo2, 'org_id')).toBe(second.id);
  // A reload keeps the tab's choice.
  await page.reload();
  await expect.poll(() => verifiedClaim(demo, 'org_id')).toBe(first.id);
  await expect(switcher(page).root).toContainText(`Acme Tabs ${stamp}`);
  await expect(switcher(tab2).root).toContainText(`Globex Tabs ${stamp}`);
});

test('An organization that requires MFA makes a member without it enrol on switching in', async ({ page, api, outbox }) => {
  test.setTimeout(120_000);
  const { demo } = await signedIn(page, api, outbox, 'switcher-mfa');
  const label = Date.now().toString(36);
  const org = await adminApi<{ id: string }>(api, 'POST', '/organizations', { name: `Umbrella ${label}`, require_mfa: true });
  const userId = (await verifiedClaim(demo, 'sub')) as string;
  // Made a member after signing in: the session has one factor, so the switch asks for the second.
  await adminApi(api, 'PUT', `/organizations/${org.id}/memberships/${userId}`, { role: 'member' });

  await page.reload();
  const menu = await switcher(page).open();
  await menu.getByRole('menuitemradio', { name: new RegExp(`Umbrella ${label}`) }).click();
  const root = switcher(page).root;
  await expect(root.getByRole('heading', { name: 'Two-step verification required' })).toBeVisible();
  await root.getByRole('button', { name: 'Set up two-step verification' }).click();
  const enrol = page.locator('lk-mfa');
  await expect(enrol.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = (await enrol.locator('.lk-key').getAttribute('data-key'))!;
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  await enrol.getByLabel('Verification code').fill(freshTotp(key));
  await expect(enrol.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await enrol.getByRole('button', { name: /I['’]ve saved them/ }).click();
  await root.getByRole('button', { name: `Continue to ${iso(`Umbrella ${label}`)}` }).click();
  await expect(root).toContainText(`Umbrella ${label}`);
  await expect.poll(() => verifiedClaim(demo, 'org_id')).toBe(org.id);
  expect(await verifiedClaim(demo, 'amr')).toEqual(['pwd', 'otp', 'mfa']);
});
