import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/user-button.js';
import type { LkUserButton } from '@latchkey/elements/user-button.js';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { storyElement } from './support/shadow.js';

const signedIn = { accounts: { 'ada@example.com': 'correct horse battery staple' }, signedInAs: 'ada@example.com' };

/** Ada in two organizations: the menu lists them above "Sign out". */
const withOrganizations = withBroker(signedIn, (broker) =>
  broker.orgs.seed({
    organizations: [
      { id: 'org_acme', name: 'Acme', members: { 'ada@example.com': 'owner' } },
      { id: 'org_initech', name: 'Initech', members: { 'ada@example.com': 'member', 'cy@initech.test': 'owner' }, policies: { require_passkey: true } },
    ],
  }),
);

/** lk-user-button in a top bar, on the in-memory broker. */
const meta = {
  title: 'Elements/User button',
  component: 'lk-user-button',
  loaders: [withBroker(signedIn)],
  render: (_args, { loaded, globals, parameters }) =>
    html`<nav aria-label="Account" style="display: flex; justify-content: flex-end; min-block-size: ${parameters.height ?? 220}px; align-items: flex-start;">
      <lk-user-button theme=${elementTheme(globals)} .client=${loadedBroker(loaded).client}>
        <a slot="signed-out" href="#sign-in" style="color: inherit">Sign in</a>
      </lk-user-button>
    </nav>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

/** The avatar button, once the session is known. */
async function avatarButton(el: LkUserButton) {
  await waitFor(() => expect(el.shadowRoot!.querySelector('[part~="button"]')).not.toBeNull());
  return el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
}

export const SignedOut: Story = {
  name: 'Signed out',
  loaders: [withBroker()],
  play: async ({ canvasElement }) => {
    const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
    // The page's own link shows through the signed-out slot.
    await waitFor(() => expect(el.shadowRoot!.querySelector('slot[name="signed-out"]')).not.toBeNull());
    await expect(within(canvasElement).getByRole('link', { name: 'Sign in' })).toBeVisible();
    await expect(el.shadowRoot!.querySelector('[part~="button"]')).toBeNull();
  },
};

export const SignedIn: Story = {
  name: 'Signed in',
  play: async ({ canvasElement }) => {
    const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
    const button = await avatarButton(el);
    await expect(button).toHaveTextContent('ada@example.com');
    await expect(button.querySelector('[part~="avatar"]')).toHaveTextContent('A');
    await expect(button).toHaveAttribute('aria-expanded', 'false');
    await expect(el.matches(':state(signed-in)')).toBe(true);
  },
};

export const MenuOpen: Story = {
  name: 'Menu open',
  play: async ({ canvasElement }) => {
    const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
    await userEvent.click(await avatarButton(el));
    const menu = within(el.shadowRoot as unknown as HTMLElement);
    await waitFor(() => expect(menu.getByRole('menu', { name: 'Account' })).toBeVisible());
    // Focus moves into the menu (inside the element's shadow root), so arrow keys work at once.
    const signOut = menu.getByRole('menuitem', { name: 'Sign out' });
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(signOut));
    await expect(await avatarButton(el)).toHaveAttribute('aria-expanded', 'true');
  },
};

export const BrokerUnreachable: Story = {
  name: 'Broker unreachable',
  loaders: [withBroker(signedIn, (broker) => broker.failNext.set('/v1/session', 'network'))],
  play: async ({ canvasElement, loaded }) => {
    const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
    await waitFor(() => expect(loadedBroker(loaded).broker.requests).toContain('GET /v1/session'));
    // The placeholder goes away instead of pulsing forever, and nobody is shown as signed in.
    await waitFor(() => expect(el.shadowRoot!.querySelector('.skeleton')).toBeNull());
    await expect(el.matches(':state(signed-in)')).toBe(false);
  },
};

/** Opens the menu and checks its label and item in the story's locale. */
async function openMenuIn(canvasElement: HTMLElement, menuName: string, signOut: string) {
  const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
  await userEvent.click(await avatarButton(el));
  const menu = within(el.shadowRoot as unknown as HTMLElement);
  await waitFor(() => expect(menu.getByRole('menu', { name: menuName })).toBeVisible());
  await expect(menu.getByRole('menuitem', { name: signOut })).toBeVisible();
  return el;
}

export const German: Story = {
  name: 'German (de), menu open',
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    await openMenuIn(canvasElement, 'Konto', 'Abmelden');
  },
};

export const Arabic: Story = {
  name: 'Arabic (ar, right to left), menu open',
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const el = await openMenuIn(canvasElement, 'الحساب', 'تسجيل الخروج');
    await expect(getComputedStyle(el).direction).toBe('rtl');
  },
};

/** Opens the menu once the organizations are in. */
async function openWithOrganizations(canvasElement: HTMLElement) {
  const el = await storyElement<LkUserButton>(canvasElement, 'lk-user-button');
  await userEvent.click(await avatarButton(el));
  const menu = within(el.shadowRoot as unknown as HTMLElement);
  await waitFor(() => expect(menu.getAllByRole('menuitemradio')).toHaveLength(3));
  return { el, menu };
}

export const Organizations: Story = {
  name: 'Menu open, with organizations',
  loaders: [withOrganizations],
  parameters: { height: 400 },
  play: async ({ canvasElement }) => {
    const { menu } = await openWithOrganizations(canvasElement);
    await expect(menu.getByRole('group', { name: 'Organizations' })).toBeVisible();
    await expect(menu.getByRole('menuitemradio', { name: /Personal account/ })).toHaveAttribute('aria-checked', 'true');
    await expect(menu.getByRole('menuitemradio', { name: /Acme/ })).toHaveTextContent('Owner');
  },
};

export const SwitchedOrganization: Story = {
  name: 'Switched organization from the menu',
  loaders: [withOrganizations],
  parameters: { height: 400 },
  play: async ({ canvasElement }) => {
    const changed: unknown[] = [];
    canvasElement.addEventListener('lk-org-changed', (e) => changed.push((e as CustomEvent).detail));
    const { el, menu } = await openWithOrganizations(canvasElement);
    await userEvent.click(menu.getByRole('menuitemradio', { name: /Acme/ }));
    await waitFor(() => expect(changed).toEqual([expect.objectContaining({ org_id: 'org_acme' })]));
    await waitFor(() => expect(el.shadowRoot!.querySelector('[role="menu"]')).toBeNull());
    // Opening again: Acme is the tab's organization now.
    await userEvent.click(await avatarButton(el));
    await waitFor(() => expect(menu.getByRole('menuitemradio', { name: /Acme/ })).toHaveAttribute('aria-checked', 'true'));
  },
};

export const OrganizationPolicy: Story = {
  name: 'Organization policy unmet',
  loaders: [withOrganizations],
  parameters: { height: 300 },
  play: async ({ canvasElement }) => {
    const { menu } = await openWithOrganizations(canvasElement);
    await userEvent.click(menu.getByRole('menuitemradio', { name: /Initech/ }));
    const panel = await waitFor(() => menu.getByRole('dialog', { name: 'Passkey required' }));
    await expect(within(panel).getByRole('button', { name: 'Use a passkey' })).toBeVisible();
  },
};

export const ArabicOrganizations: Story = {
  name: 'Arabic (ar, right to left), with organizations',
  globals: { locale: 'ar' },
  loaders: [withOrganizations],
  parameters: { height: 400 },
  play: async ({ canvasElement }) => {
    const { menu } = await openWithOrganizations(canvasElement);
    await expect(menu.getByRole('group', { name: 'المؤسسات' })).toBeVisible();
  },
};
