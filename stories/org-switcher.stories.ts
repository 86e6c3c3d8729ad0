import { html } from 'lit';
import type { Loader, Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/org-switcher.js';
// The enrolment in place opens lk-mfa, which a page of the switcher alone imports itself.
import '@latchkey/elements/mfa.js';
import type { LkOrgSwitcher } from '@latchkey/elements/org-switcher.js';
import type { FakeBroker, FakeBrokerOptions, FakeOrgSeed, FakeOrgsSeed } from '@latchkey/testing';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { storyElement } from './support/shadow.js';

const ADA = 'ada@example.com';
const signedIn: FakeBrokerOptions = { accounts: { [ADA]: 'correct horse battery staple' }, signedInAs: ADA, clock: () => Date.parse('2026-12-01T12:00:00Z') };

/** Ada owns Acme, runs Globex's admin side and is a member of Initech's. */
const threeOrgs: FakeOrgsSeed = {
  organizations: [
    { id: 'org_acme', name: 'Acme', members: { [ADA]: 'owner' } },
    { id: 'org_globex', name: 'Globex Corporation', members: { [ADA]: 'admin', 'bo@globex.test': 'owner' } },
    { id: 'org_initech', name: 'Initech', members: { [ADA]: 'member', 'cy@initech.test': 'owner' } },
  ],
};

const seeded = (seed: FakeOrgsSeed, script?: (broker: FakeBroker) => void, options: FakeBrokerOptions = signedIn) =>
  withBroker(options, (broker) => {
    broker.orgs.seed(seed);
    script?.(broker);
  });

/** The broker of `seeded`, with the tab switched into `orgId` before the story renders. */
function switchedInto(orgId: string, seed: FakeOrgsSeed = threeOrgs): Loader {
  const load = seeded(seed);
  return async (context) => {
    const loaded = (await load(context)) as { client: { session: { switchOrganization(id: string): Promise<unknown> } } };
    await loaded.client.session.switchOrganization(orgId);
    return loaded;
  };
}

type Args = { height: number };

/**
 * lk-org-switcher in a top bar, on the in-memory broker (@latchkey/testing). The bar is
 * tall enough for the menu or panel the story opens, which the screenshot includes.
 */
const meta = {
  title: 'Elements/Organization switcher',
  component: 'lk-org-switcher',
  args: { height: 320 },
  argTypes: { height: { control: { type: 'number' }, description: 'Room below the bar for the menu (story only)' } },
  loaders: [seeded(threeOrgs)],
  render: (args, { loaded, globals }) =>
    html`<nav aria-label="Workspace" style="display: flex; align-items: flex-start; min-block-size: ${args.height}px; inline-size: 480px;">
      <lk-org-switcher theme=${elementTheme(globals)} .client=${loadedBroker(loaded).client}>
        <a slot="signed-out" href="#sign-in" style="color: inherit">Sign in</a>
      </lk-org-switcher>
    </nav>`,
} satisfies Meta<Args>;

export default meta;
type Story = StoryObj<Args>;

async function switcher(canvasElement: HTMLElement) {
  const el = await storyElement<LkOrgSwitcher>(canvasElement, 'lk-org-switcher');
  const shadow = within(el.shadowRoot as unknown as HTMLElement);
  const button = async () => {
    await waitFor(() => expect(el.shadowRoot!.querySelector('[part~="button"]')).not.toBeNull());
    return el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
  };
  return { el, shadow, button };
}

/** Opens the menu once the organizations are in, and answers it. */
async function openMenu(canvasElement: HTMLElement, name = 'Organizations') {
  const s = await switcher(canvasElement);
  await waitFor(() => expect(s.el.matches(':state(loading)')).toBe(false));
  await userEvent.click(await s.button());
  const menu = await waitFor(() => s.shadow.getByRole('menu', { name }));
  await waitFor(() => expect(s.shadow.getAllByRole('menuitemradio').length).toBeGreaterThan(0));
  return { ...s, menu };
}

/** Picks an organization in the open menu. */
async function pick(canvasElement: HTMLElement, name: string) {
  const s = await openMenu(canvasElement);
  await userEvent.click(s.shadow.getByRole('menuitemradio', { name: new RegExp(name) }));
  return s;
}

export const PersonalAccount: Story = {
  name: 'Personal account',
  args: { height: 60 },
  play: async ({ canvasElement }) => {
    const { el, button } = await switcher(canvasElement);
    await waitFor(() => expect(el.matches(':state(loading)')).toBe(false));
    await expect(await button()).toHaveTextContent('Personal account');
    await expect(await button()).toHaveAttribute('aria-expanded', 'false');
  },
};

export const InAnOrganization: Story = {
  name: 'In an organization',
  args: { height: 60 },
  loaders: [switchedInto('org_globex')],
  play: async ({ canvasElement }) => {
    const { el, button } = await switcher(canvasElement);
    await waitFor(() => expect(el.matches(':state(loading)')).toBe(false));
    await waitFor(async () => expect(await button()).toHaveTextContent('Globex Corporation'));
    await expect(await button()).toHaveTextContent('Admin');
  },
};

export const Loading: Story = {
  name: 'Loading',
  args: { height: 60 },
  loaders: [seeded(threeOrgs, (broker) => broker.stalled.add('/v1/orgs'))],
  play: async ({ canvasElement }) => {
    const { el, button } = await switcher(canvasElement);
    await waitFor(() => expect(el.matches(':state(loading)')).toBe(true));
    await expect(await button()).toHaveAttribute('aria-busy', 'true');
  },
};

export const MenuOpen: Story = {
  name: 'Menu open',
  loaders: [switchedInto('org_acme')],
  play: async ({ canvasElement }) => {
    const { el, shadow } = await openMenu(canvasElement);
    const acme = shadow.getByRole('menuitemradio', { name: /Acme/ });
    await expect(acme).toHaveAttribute('aria-checked', 'true');
    // Focus lands on the tab's organization, so arrow keys start from it.
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(acme));
    await expect(shadow.getByRole('menuitemradio', { name: /Initech/ })).toHaveTextContent('Member');
    await expect(shadow.getByRole('menuitem', { name: /Create organization/ })).toBeVisible();
  },
};

export const Switching: Story = {
  name: 'Switching',
  loaders: [seeded(threeOrgs, (broker) => broker.stalled.add('/v1/session/org'))],
  play: async ({ canvasElement }) => {
    const { el, shadow } = await pick(canvasElement, 'Initech');
    await waitFor(() => expect(el.matches(':state(switching)')).toBe(true));
    await expect(shadow.getByRole('menuitemradio', { name: /Initech/ })).toHaveAttribute('aria-busy', 'true');
  },
};

export const Switched: Story = {
  name: 'Switched (lk-org-changed)',
  args: { height: 60 },
  play: async ({ canvasElement }) => {
    const changed: unknown[] = [];
    canvasElement.addEventListener('lk-org-changed', (e) => changed.push((e as CustomEvent).detail));
    const { el, button } = await pick(canvasElement, 'Initech');
    await waitFor(() => expect(changed).toEqual([expect.objectContaining({ org_id: 'org_initech' })]));
    await waitFor(async () => expect(await button()).toHaveTextContent('Initech'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(el.shadowRoot!.querySelector('[part~="button"]')));
  },
};

/** Opens "Create organization" from the menu. */
async function openCreate(canvasElement: HTMLElement) {
  const s = await openMenu(canvasElement);
  await userEvent.click(s.shadow.getByRole('menuitem', { name: /Create organization/ }));
  const dialog = await waitFor(() => s.shadow.getByRole('dialog', { name: 'Create organization' }));
  const field = await waitFor(() => within(dialog).getByLabelText('Organization name'));
  await waitFor(() => expect(s.el.shadowRoot!.activeElement).toBe(field));
  return { ...s, dialog, field };
}

export const Create: Story = {
  name: 'Create organization',
  args: { height: 380 },
  play: async ({ canvasElement }) => {
    const { dialog } = await openCreate(canvasElement);
    await expect(within(dialog).getByRole('button', { name: 'Create organization' })).toBeVisible();
    await expect(dialog).toHaveTextContent('You will be its owner.');
  },
};

export const CreateSameName: Story = {
  name: 'Create organization: a name another organization has',
  args: { height: 60 },
  play: async ({ canvasElement }) => {
    const changed: unknown[] = [];
    canvasElement.addEventListener('lk-org-changed', (e) => changed.push((e as CustomEvent).detail));
    const { dialog, field, button } = await openCreate(canvasElement);
    await userEvent.type(field, 'Acme');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create organization' }));
    // Names need not be unique: the broker gives the new one a slug of its own, and the tab switches into it.
    await waitFor(() => expect(changed).toEqual([expect.objectContaining({ organization: expect.objectContaining({ name: 'Acme', role: 'owner', slug: expect.stringMatching(/^acme-/) }) })]));
    await waitFor(async () => expect(await button()).toHaveTextContent('Acme'));
  },
};

export const Created: Story = {
  name: 'Create organization: made and switched into',
  args: { height: 60 },
  play: async ({ canvasElement }) => {
    const changed: unknown[] = [];
    canvasElement.addEventListener('lk-org-changed', (e) => changed.push((e as CustomEvent).detail));
    const { dialog, field, button } = await openCreate(canvasElement);
    await userEvent.type(field, 'Umbrella Labs');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create organization' }));
    await waitFor(() => expect(changed).toEqual([expect.objectContaining({ organization: expect.objectContaining({ name: 'Umbrella Labs', role: 'owner' }) })]));
    await waitFor(async () => expect(await button()).toHaveTextContent('Umbrella Labs'));
  },
};

/** Initech, where Ada is a member, with a policy her session does not meet. */
const requiring = (policies: FakeOrgSeed['policies'], extra: Partial<FakeOrgSeed> = {}): FakeOrgsSeed => ({
  organizations: [...threeOrgs.organizations!.slice(0, 2), { ...threeOrgs.organizations![2]!, policies, ...extra }],
});

export const PolicyEnrolMfa: Story = {
  name: 'Policy unmet: set up two-step verification',
  loaders: [seeded(requiring({ require_mfa: true }))],
  play: async ({ canvasElement }) => {
    const { el, shadow } = await pick(canvasElement, 'Initech');
    const panel = await waitFor(() => shadow.getByRole('dialog', { name: 'Two-step verification required' }));
    await expect(el.matches(':state(policy-unmet)')).toBe(true);
    await expect(panel).toHaveTextContent('requires two-step verification. Set up an authenticator app to continue.');
    await expect(within(panel).getByRole('button', { name: 'Set up two-step verification' })).toBeVisible();
  },
};

export const PolicyEnrolling: Story = {
  name: 'Policy unmet: enrolling in place',
  args: { height: 760 },
  loaders: [seeded(requiring({ require_mfa: true }))],
  play: async ({ canvasElement }) => {
    const { shadow } = await pick(canvasElement, 'Initech');
    const panel = await waitFor(() => shadow.getByRole('dialog', { name: 'Two-step verification required' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Set up two-step verification' }));
    const mfa = await waitFor(() => {
      const el = panel.querySelector('lk-mfa');
      expect(el?.querySelector('input[autocomplete="one-time-code"]')).toBeTruthy();
      return el as HTMLElement;
    });
    await waitFor(() => expect(within(mfa).getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible(), { timeout: 4000 });
  },
};

export const PolicyVerifyMfa: Story = {
  name: 'Policy unmet: verify with a second factor',
  loaders: [seeded(requiring({ require_mfa: true }), undefined, { ...signedIn, totp: { [ADA]: '246810' } })],
  play: async ({ canvasElement }) => {
    const { shadow } = await pick(canvasElement, 'Initech');
    const panel = await waitFor(() => shadow.getByRole('dialog', { name: 'Two-step verification required' }));
    await expect(within(panel).getByRole('button', { name: 'Verify it’s you' })).toBeVisible();
  },
};

export const PolicyPasskey: Story = {
  name: 'Policy unmet: passkey required',
  loaders: [seeded(requiring({ require_passkey: true }))],
  play: async ({ canvasElement }) => {
    const { shadow } = await pick(canvasElement, 'Initech');
    const panel = await waitFor(() => shadow.getByRole('dialog', { name: 'Passkey required' }));
    await expect(within(panel).getByRole('button', { name: 'Use a passkey' })).toBeVisible();
  },
};

export const PolicySso: Story = {
  name: 'Policy unmet: single sign-on required',
  loaders: [seeded(requiring({ require_sso: true }, { connection: true }))],
  play: async ({ canvasElement }) => {
    const asked: unknown[] = [];
    canvasElement.addEventListener('lk-org-policy-unmet', (e) => asked.push((e as CustomEvent).detail));
    const { shadow } = await pick(canvasElement, 'Initech');
    const panel = await waitFor(() => shadow.getByRole('dialog', { name: 'Single sign-on required' }));
    await expect(panel).toHaveTextContent('requires you to sign in through its single sign-on.');
    await expect(within(panel).getByRole('button', { name: 'Continue with single sign-on' })).toBeVisible();
    await expect(asked).toEqual([]);
  },
};

export const NoOrganizations: Story = {
  name: 'No organizations yet',
  args: { height: 200 },
  loaders: [seeded({ personalAllowed: false })],
  play: async ({ canvasElement }) => {
    const s = await switcher(canvasElement);
    await waitFor(() => expect(s.el.matches(':state(empty)')).toBe(true));
    await expect(await s.button()).toHaveTextContent('No organization');
    await userEvent.click(await s.button());
    const menu = await waitFor(() => s.shadow.getByRole('menu', { name: 'Organizations' }));
    await expect(menu).toHaveTextContent('You’re not in an organization yet.');
    await expect(within(menu).getByRole('menuitem', { name: /Create organization/ })).toBeVisible();
  },
};

export const CannotLoad: Story = {
  name: 'Organizations cannot be read',
  args: { height: 60 },
  loaders: [seeded(threeOrgs, (broker) => broker.failNext.set('/v1/orgs', 'network'))],
  play: async ({ canvasElement }) => {
    const { el, shadow } = await switcher(canvasElement);
    await waitFor(() => expect(shadow.getByRole('alert')).toHaveTextContent("Couldn't load your organizations."));
    await expect(el.matches(':state(error)')).toBe(true);
    await expect(shadow.getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

export const SignedOut: Story = {
  name: 'Signed out',
  args: { height: 60 },
  loaders: [withBroker()],
  play: async ({ canvasElement }) => {
    const el = await storyElement<LkOrgSwitcher>(canvasElement, 'lk-org-switcher');
    await waitFor(() => expect(el.shadowRoot!.querySelector('slot[name="signed-out"]')).not.toBeNull());
    await expect(within(canvasElement).getByRole('link', { name: 'Sign in' })).toBeVisible();
  },
};

/** Ada's address is at example.com: Hooli enrols it at once, Initrode and Umbrella take requests (Ada's to Umbrella was denied). */
const joinable: FakeOrgsSeed = {
  organizations: [
    ...threeOrgs.organizations!.slice(0, 1),
    { id: 'org_hooli', name: 'Hooli', members: { 'gavin@hooli.test': 'owner' }, domains: [{ domain: 'example.com', enrollment: 'automatic', txtToken: 'hooli' }] },
    { id: 'org_initrode', name: 'Initrode', members: { 'bill@initrode.test': 'owner' }, domains: [{ domain: 'example.com', enrollment: 'request', txtToken: 'initrode' }] },
    { id: 'org_piper', name: 'Pied Piper', members: { 'rh@piper.test': 'owner' }, domains: [{ domain: 'example.com', enrollment: 'request', txtToken: 'piper' }], requests: [{ email: ADA, createdAt: '2026-11-30T12:00:00.000Z' }] },
  ],
};
const denied: FakeOrgsSeed = {
  organizations: [
    ...threeOrgs.organizations!.slice(0, 1),
    {
      id: 'org_umbrella',
      name: 'Umbrella',
      members: { 'al@umbrella.test': 'owner' },
      domains: [{ domain: 'example.com', enrollment: 'request', txtToken: 'umbrella' }],
      requests: [{ email: ADA, status: 'denied', reason: 'Contractors use the partner portal.', createdAt: '2026-11-30T12:00:00.000Z' }],
    },
  ],
};

/** Opens the menu and waits for the organizations to join. */
async function openJoinable(canvasElement: HTMLElement, menuName?: string) {
  const s = await openMenu(canvasElement, menuName);
  const group = await waitFor(() => s.shadow.getByRole('group'));
  return { ...s, group };
}

export const Joinable: Story = {
  name: 'Menu with organizations to join',
  args: { height: 420 },
  loaders: [switchedInto('org_acme', joinable)],
  play: async ({ canvasElement }) => {
    const { group } = await openJoinable(canvasElement);
    await expect(group).toHaveAccessibleName('Organizations you can join');
    await expect(within(group).getByRole('menuitem', { name: /Hooli.*Join/ })).toBeVisible();
    await expect(within(group).getByRole('menuitem', { name: /Initrode.*Ask to join/ })).toBeVisible();
    await expect(within(group).getByRole('menuitem', { name: /Pied Piper.*Request pending/ })).toHaveAttribute('aria-disabled', 'true');
  },
};

export const RequestDenied: Story = {
  name: 'Request denied',
  args: { height: 340 },
  loaders: [switchedInto('org_acme', denied)],
  play: async ({ canvasElement }) => {
    const { group } = await openJoinable(canvasElement);
    const umbrella = within(group).getByRole('menuitem', { name: /Umbrella.*Ask again/ });
    await expect(within(umbrella).getByText(/^Request denied: \u2068?Contractors use the partner portal\.\u2069?$/)).toBeVisible();
  },
};

export const German: Story = {
  name: 'German (de), menu open',
  globals: { locale: 'de' },
  loaders: [switchedInto('org_acme')],
  play: async ({ canvasElement }) => {
    const { shadow } = await openMenu(canvasElement, 'Organisationen');
    await expect(shadow.getByRole('menuitemradio', { name: /Acme/ })).toHaveTextContent('Inhaber');
    await expect(shadow.getByRole('menuitem', { name: /Organisation erstellen/ })).toBeVisible();
  },
};

export const Arabic: Story = {
  name: 'Arabic (ar, right to left), menu open',
  globals: { locale: 'ar' },
  loaders: [switchedInto('org_acme')],
  play: async ({ canvasElement }) => {
    const { el, shadow } = await openMenu(canvasElement, 'المؤسسات');
    await expect(shadow.getByRole('menuitemradio', { name: /Acme/ })).toHaveTextContent('مالك');
    await expect(getComputedStyle(el).direction).toBe('rtl');
  },
};

export const ArabicPolicy: Story = {
  name: 'Arabic (ar, right to left), policy unmet',
  globals: { locale: 'ar' },
  loaders: [seeded(requiring({ require_mfa: true }))],
  play: async ({ canvasElement }) => {
    const s = await openMenu(canvasElement, 'المؤسسات');
    await userEvent.click(s.shadow.getByRole('menuitemradio', { name: /Initech/ }));
    await waitFor(() => expect(s.shadow.getByRole('dialog')).toBeVisible());
  },
};

export const GermanJoinable: Story = {
  name: 'German (de), organizations to join',
  args: { height: 420 },
  globals: { locale: 'de' },
  loaders: [switchedInto('org_acme', joinable)],
  play: async ({ canvasElement }) => {
    const { group } = await openJoinable(canvasElement, 'Organisationen');
    await expect(group).toHaveAccessibleName('Organisationen, denen Sie beitreten können');
    await expect(within(group).getByRole('menuitem', { name: /Initrode.*Beitritt anfragen/ })).toBeVisible();
  },
};

export const ArabicDenied: Story = {
  name: 'Arabic (ar, right to left), request denied',
  args: { height: 340 },
  globals: { locale: 'ar' },
  loaders: [switchedInto('org_acme', denied)],
  play: async ({ canvasElement }) => {
    const { group } = await openJoinable(canvasElement, 'المؤسسات');
    await expect(within(group).getByRole('menuitem', { name: /Umbrella.*اطلب مرة أخرى/ })).toBeVisible();
  },
};
