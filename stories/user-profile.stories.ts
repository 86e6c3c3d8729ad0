import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/user-profile.js';
import type { LkUserProfile } from '@latchkey/elements/user-profile.js';
import type { IdpErrorReason, SignInMethod } from '@latchkey/client';
import { withAuthenticator } from './support/authenticator.js';
import type { FakeBroker, FakeBrokerOptions } from '@latchkey/testing';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { storyElement } from './support/shadow.js';

const email = 'ada@example.com';
const password = 'correct horse battery staple';
const methods: SignInMethod[] = ['password', 'email-code', 'passkey'];
/** The demo's social provider: every profile story offers to connect it. */
const devhub = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;

/** Ada, signed in, with a synced passkey in use and a security key never used. */
const withPasskeys: FakeBrokerOptions = {
  methods,
  accounts: { [email]: password },
  signedInAs: email,
  social: [devhub],
  passkeys: {
    [email]: [
      { name: 'MacBook Pro', createdAt: '2026-03-02T12:00:00Z', lastUsedAt: '2026-11-28T12:00:00Z', synced: true },
      { name: 'iPhone', createdAt: '2026-06-19T12:00:00Z', lastUsedAt: '2026-11-12T12:00:00Z', synced: true },
      { name: 'YubiKey 5C', createdAt: '2026-10-15T12:00:00Z', lastUsedAt: null, synced: false, transports: ['usb', 'nfc'] },
    ],
  },
};


/** lk-user-profile on the in-memory broker: one story per state a designer reviews. */
const meta = {
  title: 'Elements/User profile',
  component: 'lk-user-profile',
  loaders: [withBroker(withPasskeys)],
  beforeEach: withAuthenticator(),
  render: (_args, { loaded, globals }) =>
    // `navigate` keeps the story where it is when a provider is connected (the page would leave for the IdP).
    html`<lk-user-profile theme=${elementTheme(globals)} .client=${loadedBroker(loaded).client} .navigate=${(url: string) => console.info('lk-user-profile would go to', url)}>
      <a slot="signed-out" href="#sign-in" style="color: inherit; font-weight: 600">Sign in</a>
    </lk-user-profile>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

/**
 * A story of one section shows that section alone: the whole card (six sections) is taller than
 * the test viewport, and a screenshot of an element past it is slow and unstable. It is a page's own
 * styling through `::part`, so the element is exactly as shipped.
 */
const only = (part: 'passkeys-section' | 'accounts-section' | 'sessions-section' | 'two-step-section'): Story['render'] => (args, context) =>
  // The element stays the story's first child (what the screenshot takes); the style says which part stays.
  html`${meta.render(args, context)}<style data-only=${part}>
    :has(> style[data-only]) > lk-user-profile::part(section) { display: none; }
    :has(> style[data-only='passkeys-section']) > lk-user-profile::part(passkeys-section),
    :has(> style[data-only='accounts-section']) > lk-user-profile::part(accounts-section),
    :has(> style[data-only='sessions-section']) > lk-user-profile::part(sessions-section),
    :has(> style[data-only='two-step-section']) > lk-user-profile::part(two-step-section) { display: block; }
  </style>`;

/** The element, its shadow root to query by role, and a reader of what it says. */
async function profile(canvasElement: HTMLElement) {
  const el = await storyElement<LkUserProfile>(canvasElement, 'lk-user-profile');
  const card = within(el.shadowRoot as unknown as HTMLElement);
  const says = () => (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ');
  return { el, card, says };
}

/** Waits for the list and returns the names in it. */
async function listed(canvasElement: HTMLElement) {
  const p = await profile(canvasElement);
  await waitFor(() => expect(p.el.shadowRoot!.querySelector('[part~="passkey-list"], .empty')).not.toBeNull());
  return p;
}

/** The rows of the Passkeys section (the card has other lists: connected accounts, sessions). */
const passkeyRows = (card: ReturnType<typeof within>) => within(card.getByRole('region', { name: 'Passkeys' })).getAllByRole('listitem');

/** What the live region or an alert in the card says. */
function alertText(el: LkUserProfile) {
  return [...el.shadowRoot!.querySelectorAll('[role="alert"]')].map((a) => a.textContent!.trim()).filter(Boolean).join(' ');
}

export const Loading: Story = {
  name: 'Loading',
  loaders: [withBroker(withPasskeys, (broker) => broker.stalled.add('/v1/passkeys'))],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByText('Loading your passkeys…')).toHaveAttribute('role', 'status'));
    await expect(el.matches(':state(loading)')).toBe(true);
    await expect(card.getByText(email)).toBeVisible();
    await expect(card.queryByRole('button', { name: 'Add a passkey' })).toBeNull();
  },
};

export const SignedOut: Story = {
  name: 'Signed out',
  loaders: [withBroker({ methods })],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(el.matches(':state(signed-out)')).toBe(true));
    await expect(card.getByText('Sign in to manage your account.')).toBeVisible();
    // The page's own link shows through the signed-out slot.
    await expect(within(canvasElement).getByRole('link', { name: 'Sign in' })).toBeVisible();
  },
};

export const NoPasskeys: Story = {
  name: 'No passkeys',
  render: only('passkeys-section'),
  loaders: [withBroker({ methods, accounts: { [email]: password }, signedInAs: email, social: [devhub] })],
  play: async ({ canvasElement }) => {
    const { card } = await listed(canvasElement);
    await expect(card.getByText("You haven't added a passkey yet.")).toBeVisible();
    await expect(card.getByRole('button', { name: 'Add a passkey' })).toBeEnabled();
  },
};

export const SeveralPasskeys: Story = {
  name: 'Several passkeys',
  render: only('passkeys-section'),
  play: async ({ canvasElement }) => {
    const { card, says } = await listed(canvasElement);
    const rows = passkeyRows(card);
    await expect(rows).toHaveLength(3);
    await expect(within(rows[0]!).getByText('Synced')).toBeVisible();
    await expect(within(rows[0]!).getByText('Last used Nov 28, 2026')).toBeVisible();
    await expect(within(rows[2]!).getByText('This device only')).toBeVisible();
    await expect(within(rows[2]!).getByText('Never used')).toBeVisible();
    await expect(says()).toContain('Created Oct 15, 2026');
    await expect(card.getByRole('button', { name: 'Rename YubiKey 5C' })).toBeVisible();
    await expect(card.getByRole('button', { name: 'Delete YubiKey 5C' })).toBeVisible();
  },
};

export const Renaming: Story = {
  name: 'Renaming',
  render: only('passkeys-section'),
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Rename YubiKey 5C' }));
    const field = await waitFor(() => card.getByLabelText<HTMLInputElement>('Passkey name'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(field));
    // Typed over the whole name, as after selecting it.
    await userEvent.type(field, 'Blue security key', { initialSelectionStart: 0, initialSelectionEnd: field.value.length });
    await expect(field).toHaveValue('Blue security key');
    await expect(card.getByRole('button', { name: 'Save' })).toBeVisible();
    await expect(card.getByRole('button', { name: 'Cancel' })).toBeVisible();
  },
};

export const RenameError: Story = {
  name: 'Rename error',
  render: only('passkeys-section'),
  play: async ({ canvasElement, loaded }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Rename iPhone' }));
    const field = await waitFor(() => card.getByLabelText<HTMLInputElement>('Passkey name'));
    await userEvent.type(field, '{Backspace}', { initialSelectionStart: 0, initialSelectionEnd: field.value.length });
    await userEvent.click(card.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    await expect(alertText(el)).toBe('Enter a name for this passkey.');
    await expect(field).toHaveAccessibleDescription('Enter a name for this passkey.');
    await expect(loadedBroker(loaded).broker.requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
  },
};

export const DeleteConfirmation: Story = {
  name: 'Delete confirmation',
  render: only('passkeys-section'),
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Delete iPhone' }));
    const confirm = await waitFor(() => card.getByRole('group', { name: /Delete “.iPhone.”\?/ }));
    const cancel = within(confirm).getByRole('button', { name: 'Cancel' });
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(cancel));
    await expect(within(confirm).getByRole('button', { name: 'Delete passkey' })).toBeVisible();
  },
};

/** Ada signed in long ago (past the ten-minute window): every sensitive change asks "Confirm it's you" first. */
const signedInLongAgo: FakeBrokerOptions = { ...withPasskeys, signedInAt: 0 };

/** Deletes the iPhone passkey through its confirmation; the broker asks for a step-up and the panel opens (its fields in the light DOM). */
async function meetStepUp(canvasElement: HTMLElement) {
  const p = await listed(canvasElement);
  await userEvent.click(p.card.getByRole('button', { name: 'Delete iPhone' }));
  await userEvent.click(await waitFor(() => p.card.getByRole('button', { name: 'Delete passkey' })));
  // The panel is a chunk of its own, loaded on first use: give it time.
  const panel = await waitFor(() => within(p.el).getByRole('region', { name: 'Confirm it’s you' }), { timeout: 5000 });
  return { ...p, panel: within(panel) };
}

export const StepUpPassword: Story = {
  name: 'Step-up: confirm with password',
  loaders: [withBroker(signedInLongAgo)],
  play: async ({ canvasElement }) => {
    const { el, panel } = await meetStepUp(canvasElement);
    const password = await waitFor(() => panel.getByLabelText('Password'), { timeout: 5000 });
    await waitFor(() => expect(document.activeElement).toBe(password));
    await expect(password).toHaveAttribute('autocomplete', 'current-password');
    await expect(el.matches(':state(step-up)')).toBe(true);
    await expect(panel.getByRole('button', { name: 'Email me a code' })).toBeVisible();
  },
};

export const StepUpAuthenticatorCode: Story = {
  name: 'Step-up: confirm with authenticator code',
  loaders: [withBroker({ ...signedInLongAgo, totp: { [email]: '314159' }, recoveryCodes: { [email]: ['k7m2p-q9x4t'] } })],
  play: async ({ canvasElement }) => {
    const { panel } = await meetStepUp(canvasElement);
    const code = await waitFor(() => panel.getByLabelText('Verification code'), { timeout: 5000 });
    await waitFor(() => expect(document.activeElement).toBe(code));
    await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(panel.queryByLabelText('Password')).toBeNull();
    await expect(panel.getByRole('button', { name: 'Use a recovery code' })).toBeVisible();
  },
};

export const StepUpWrongPassword: Story = {
  name: 'Step-up: wrong password',
  loaders: [withBroker(signedInLongAgo)],
  play: async ({ canvasElement, loaded }) => {
    const { panel } = await meetStepUp(canvasElement);
    const password = await waitFor(() => panel.getByLabelText('Password'), { timeout: 5000 });
    await userEvent.type(password, 'not my password');
    await userEvent.click(panel.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(panel.getByRole('alert')).toHaveTextContent('That password isn’t right. Try again.'));
    await expect(loadedBroker(loaded).broker.users.get(email)!.passkeys).toHaveLength(3);
  },
};

export const LastWayInRefused: Story = {
  name: 'Deleting the last way in refused',
  render: only('passkeys-section'),
  loaders: [
    withBroker({
      methods,
      accounts: { [email]: null },
      signedInAs: email,
      social: [devhub],
      passkeys: { [email]: [{ name: 'MacBook Pro', createdAt: '2026-03-02T12:00:00Z', lastUsedAt: '2026-11-28T12:00:00Z' }] },
    }),
  ],
  play: async ({ canvasElement, loaded }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Delete MacBook Pro' }));
    await userEvent.click(await waitFor(() => card.getByRole('button', { name: 'Delete passkey' })));
    await waitFor(() =>
      expect(alertText(el)).toBe("You can't delete this passkey: it's the only way left to sign in to your account. Add another passkey first."),
    );
    await expect(card.queryByRole('button', { name: 'Delete passkey' })).toBeNull();
    await expect(passkeyRows(card)).toHaveLength(1);
    await expect(loadedBroker(loaded).broker.users.get(email)!.passkeys).toHaveLength(1);
  },
};

export const AddRunning: Story = {
  name: 'Add: waiting for the device',
  render: only('passkeys-section'),
  beforeEach: withAuthenticator('never'),
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Add a passkey' }));
    await waitFor(() => expect(card.getByRole('button', { name: 'Waiting for your device…' })).toHaveAttribute('aria-disabled', 'true'));
    await expect(el.matches(':state(adding-passkey)')).toBe(true);
    await expect(card.getByText("Follow the steps in your browser's window.")).toBeVisible();
    await expect(card.getByRole('button', { name: 'Cancel' })).toBeVisible();
  },
};

export const AddCancelled: Story = {
  name: 'Add: dialog cancelled',
  render: only('passkeys-section'),
  beforeEach: withAuthenticator('cancel'),
  play: async ({ canvasElement, loaded }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Add a passkey' }));
    await waitFor(() => expect(alertText(el)).toBe('Adding a passkey was cancelled. Nothing was changed.'));
    await expect(card.getByRole('button', { name: 'Add a passkey' })).toBeVisible();
    await expect(loadedBroker(loaded).broker.requests).not.toContain('POST /v1/passkeys');
  },
};

export const AddTimedOut: Story = {
  name: 'Add: timed out',
  render: only('passkeys-section'),
  // The broker gives the dialog 1.2 s instead of 5 minutes, so the story does not wait that long.
  loaders: [withBroker({ ...withPasskeys, passkeyTimeout: 1_200 })],
  beforeEach: withAuthenticator('timeout'),
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Add a passkey' }));
    await waitFor(() => expect(alertText(el)).toBe('Your device took too long to answer, so no passkey was added. Try again when you are ready.'), { timeout: 4000 });
    await expect(passkeyRows(card)).toHaveLength(3);
  },
};

export const AlreadyRegistered: Story = {
  name: 'Add: already on this device',
  render: only('passkeys-section'),
  beforeEach: withAuthenticator('already-registered'),
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Add a passkey' }));
    await waitFor(() =>
      expect(alertText(el)).toBe('This device or password manager already has a passkey for your account. To add another, use a different one.'),
    );
  },
};

export const Added: Story = {
  name: 'Add: passkey added',
  render: only('passkeys-section'),
  // Today is fixed, so the new row's date (and the snapshot) does not change by the day.
  loaders: [withBroker({ ...withPasskeys, clock: () => Date.parse('2026-11-30T12:00:00Z') })],
  play: async ({ canvasElement, loaded }) => {
    const { card } = await listed(canvasElement);
    await userEvent.click(card.getByRole('button', { name: 'Add a passkey' }));
    await waitFor(() => expect(passkeyRows(card)).toHaveLength(4));
    const added = passkeyRows(card)[3]!;
    await expect(within(added).getByText('Passkey')).toBeVisible();
    await expect(within(added).getByText('Created Nov 30, 2026')).toBeVisible();
    await expect(within(added).getByText('Never used')).toBeVisible();
    await waitFor(() => expect(card.getByText('Passkey added.')).toBeInTheDocument());
    await expect(loadedBroker(loaded).broker.requests.slice(-2)).toEqual(['POST /v1/passkeys/options', 'POST /v1/passkeys']);
  },
};

export const Unsupported: Story = {
  name: 'Unsupported browser',
  render: only('passkeys-section'),
  beforeEach: withAuthenticator('unsupported'),
  play: async ({ canvasElement }) => {
    const { card } = await listed(canvasElement);
    await expect(card.queryByRole('button', { name: 'Add a passkey' })).toBeNull();
    await expect(
      card.getByText("This browser can't create passkeys. To add one, open this page in an up-to-date browser such as Chrome, Edge, Firefox or Safari."),
    ).toBeVisible();
    // The passkeys the account has can still be managed.
    await expect(card.getByRole('button', { name: 'Rename iPhone' })).toBeVisible();
  },
};

export const PasskeysOff: Story = {
  name: 'Passkeys not offered by the broker',
  render: only('passkeys-section'),
  loaders: [withBroker({ accounts: { [email]: password }, signedInAs: email, social: [devhub] })],
  play: async ({ canvasElement, loaded }) => {
    const { card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByText("This site doesn't offer passkeys.")).toBeVisible());
    const passkeys = within(card.getByRole('region', { name: 'Passkeys' }));
    await expect(passkeys.queryByRole('button')).toBeNull();
    await expect(loadedBroker(loaded).broker.requests).toContain('GET /v1/passkeys');
  },
};

export const BrokerUnreachable: Story = {
  name: 'Broker unreachable',
  loaders: [withBroker(withPasskeys, (broker) => broker.failNext.set('/v1/session', 'network'))],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(el.matches(':state(error)')).toBe(true));
    await expect(alertText(el)).toBe("We can't reach the sign-in service. Check your connection and try again.");
    await expect(card.getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

export const German: Story = {
  name: 'German (de)',
  render: only('passkeys-section'),
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const { card } = await listed(canvasElement);
    await expect(card.getByRole('heading', { name: 'Ihr Konto' })).toBeVisible();
    const date = (iso: string) => new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date(iso));
    await expect(card.getByText(`Zuletzt verwendet am ${date('2026-11-28T12:00:00Z')}`)).toBeVisible();
    await expect(card.getByText('Nur dieses Gerät')).toBeVisible();
    await expect(card.getByRole('button', { name: 'YubiKey 5C umbenennen' })).toBeVisible();
    await expect(card.getByRole('button', { name: 'Passkey hinzufügen' })).toBeVisible();
  },
};

export const Arabic: Story = {
  name: 'Arabic (ar, right to left), delete confirmation',
  render: only('passkeys-section'),
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { el, card } = await listed(canvasElement);
    await expect(card.getByRole('heading', { name: 'حسابك' })).toBeVisible();
    await expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).direction).toBe('rtl');
    const date = (iso: string) => new Intl.DateTimeFormat('ar', { dateStyle: 'medium' }).format(new Date(iso));
    await expect(card.getByText(`أُنشئ في ${date('2026-10-15T12:00:00Z')}`)).toBeVisible();
    await userEvent.click(card.getByRole('button', { name: 'حذف iPhone' }));
    await waitFor(() => expect(card.getByRole('button', { name: 'حذف مفتاح المرور' })).toBeVisible());
  },
};

// ---- Connected accounts (issue 21) ----

const cy = 'cy@devhub.test';
const providers = [devhub, { id: 'google', name: 'Google', icon: 'google' } as const, { id: 'acme-oauth', name: 'Acme Login', icon: 'oauth' } as const];

/** Ada with a password and no passkeys, DevHub, Google and a generic provider configured, the dates fixed for the snapshots. */
const accountsBase: FakeBrokerOptions = { accounts: { [email]: password }, signedInAs: email, social: providers, clock: () => Date.parse('2026-12-01T12:00:00Z') };
const withDevHub: FakeBrokerOptions = { ...accountsBase, identities: { [email]: [{ provider: 'devhub', email: 'ada@devhub.test', createdAt: '2026-10-01T12:00:00Z' }] } };

/**
 * The page as it comes back from DevHub: a connect started and the provider
 * answered `outcome` (the broker's callback), and the address carries `lk_resume`.
 */
function backFromDevHub(outcome: 'done' | IdpErrorReason) {
  return (broker: FakeBroker) => {
    broker.pendingConnect = { userId: broker.users.get(email)!.id, provider: devhub, resumeUrl: location.href };
    history.replaceState(history.state, '', broker.returnFromIdp(outcome, 'ada@devhub.test'));
  };
}

/** The connected-accounts section, to query by role, once its list is there. */
async function accounts(canvasElement: HTMLElement) {
  const p = await profile(canvasElement);
  const region = await waitFor(() => {
    const found = p.el.shadowRoot!.querySelector<HTMLElement>('[aria-labelledby="accounts-title"]');
    expect(found?.querySelector('[part~="account-list"], [part~="connect-button"]')).toBeTruthy();
    return found!;
  });
  return { ...p, region: within(region) };
}

export const AccountsNone: Story = {
  name: 'Connected accounts: none connected',
  render: only('accounts-section'),
  loaders: [withBroker(accountsBase)],
  play: async ({ canvasElement }) => {
    const { region } = await accounts(canvasElement);
    await expect(region.getByRole('heading', { name: 'Connected accounts' })).toBeVisible();
    await expect(region.queryByRole('list')).toBeNull();
    for (const name of ['Connect DevHub', 'Connect Google', 'Connect Acme Login']) await expect(region.getByRole('button', { name })).toBeVisible();
  },
};

export const AccountsOne: Story = {
  name: 'Connected accounts: one connected',
  render: only('accounts-section'),
  loaders: [withBroker(withDevHub)],
  play: async ({ canvasElement }) => {
    const { region } = await accounts(canvasElement);
    await expect(region.getByText('ada@devhub.test')).toBeVisible();
    await expect(region.getByText('Connected Oct 1, 2026')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Disconnect DevHub' })).toBeVisible();
    await expect(region.queryByRole('button', { name: 'Connect DevHub' })).toBeNull();
    await expect(region.getByRole('button', { name: 'Connect Google' })).toBeVisible();
  },
};

export const AccountsConnecting: Story = {
  name: 'Connected accounts: connecting (leaving for DevHub)',
  render: only('accounts-section'),
  loaders: [withBroker(accountsBase)],
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await accounts(canvasElement);
    await userEvent.click(region.getByRole('button', { name: 'Connect DevHub' }));
    await waitFor(() => expect(region.getByRole('status')).toHaveTextContent('Taking you to DevHub…'));
    await expect(el.matches(':state(connecting-account)')).toBe(true);
    await expect(region.getByRole('button', { name: 'Connect Google' })).toHaveAttribute('aria-disabled', 'true');
    await expect(loadedBroker(loaded).broker.pendingConnect?.provider.id).toBe('devhub');
  },
};

export const AccountsConnected: Story = {
  name: 'Connected accounts: DevHub connected, back from DevHub',
  render: only('accounts-section'),
  loaders: [withBroker(accountsBase, backFromDevHub('done'))],
  play: async ({ canvasElement }) => {
    const { el, region } = await accounts(canvasElement);
    await waitFor(() => expect(el.shadowRoot!.querySelector('[aria-live="polite"]')).toHaveTextContent('DevHub connected.'));
    await expect(region.getByText('Connected Dec 1, 2026')).toBeVisible();
    await expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
  },
};

export const AccountsDisconnectConfirm: Story = {
  name: 'Connected accounts: disconnect confirmation',
  render: only('accounts-section'),
  loaders: [withBroker(withDevHub)],
  play: async ({ canvasElement }) => {
    const { el, region } = await accounts(canvasElement);
    await userEvent.click(region.getByRole('button', { name: 'Disconnect DevHub' }));
    const confirm = await waitFor(() => region.getByRole('group', { name: /Disconnect .DevHub.\?/ }));
    const cancel = within(confirm).getByRole('button', { name: 'Cancel' });
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(cancel));
    await expect(within(confirm).getByRole('button', { name: 'Disconnect' })).toBeVisible();
  },
};

export const AccountsLastWayIn: Story = {
  name: 'Connected accounts: disconnecting the last way in refused',
  render: only('accounts-section'),
  loaders: [withBroker({ accounts: { [cy]: null }, signedInAs: cy, social: providers, identities: { [cy]: [{ provider: 'devhub', email: cy, createdAt: '2026-10-01T12:00:00Z' }] } })],
  play: async ({ canvasElement }) => {
    const { el, region } = await accounts(canvasElement);
    await userEvent.click(region.getByRole('button', { name: 'Disconnect DevHub' }));
    await userEvent.click(await waitFor(() => region.getByRole('button', { name: 'Disconnect' })));
    await waitFor(() => expect(alertText(el)).toBe("That's the only way left to sign in to your account, so it can't be removed."));
    await expect(region.queryByRole('button', { name: 'Disconnect' })).toBeNull();
    await expect(region.getByRole('button', { name: 'Cancel' })).toBeVisible();
  },
};

/** The page back from DevHub with `reason`: the section says `said`, and DevHub can be tried again. */
const idpErrorStory = (reason: IdpErrorReason, said: string): Pick<Story, 'loaders' | 'play'> => ({
  loaders: [withBroker(accountsBase, backFromDevHub(reason))],
  play: async ({ canvasElement }) => {
    const { el, region } = await accounts(canvasElement);
    await waitFor(() => expect(alertText(el)).toBe(said));
    await expect(region.getByRole('button', { name: 'Connect DevHub' })).toBeVisible();
  },
});

export const AccountsDeclined: Story = {
  name: 'Connected accounts: declined at DevHub',
  render: only('accounts-section'),
  ...idpErrorStory('access_denied', "DevHub wasn't connected: access was declined."),
};

export const AccountsUnreachable: Story = {
  name: 'Connected accounts: DevHub unreachable',
  render: only('accounts-section'),
  ...idpErrorStory('idp_unreachable', "DevHub didn't answer. Try again later."),
};

export const AccountsNotLinkable: Story = {
  name: 'Connected accounts: DevHub account not linkable',
  render: only('accounts-section'),
  ...idpErrorStory('not_linkable', "This DevHub account is already linked to another account, or can't be linked."),
};

export const AccountsIdpError: Story = {
  name: 'Connected accounts: DevHub error',
  render: only('accounts-section'),
  ...idpErrorStory('idp_error', "DevHub couldn't be connected. Try again."),
};

export const AccountsGerman: Story = {
  name: 'Connected accounts: German (de), not linkable',
  render: only('accounts-section'),
  globals: { locale: 'de' },
  loaders: [withBroker(withDevHub, (broker) => {
    broker.pendingConnect = { userId: broker.users.get(email)!.id, provider: providers[1]!, resumeUrl: location.href };
    history.replaceState(history.state, '', broker.returnFromIdp('not_linkable'));
  })],
  play: async ({ canvasElement }) => {
    const { el, region } = await accounts(canvasElement);
    await expect(region.getByRole('heading', { name: 'Verbundene Konten' })).toBeVisible();
    // The visible word, then which account (aria-labelledby keeps that order in every language).
    await expect(region.getByRole('button', { name: 'Trennen DevHub' })).toBeVisible();
    await waitFor(() => expect(alertText(el)).toBe('Dieses Google-Konto ist bereits mit einem anderen Konto verknüpft oder kann nicht verknüpft werden.'));
    await expect(region.getByRole('button', { name: 'Google verbinden' })).toBeVisible();
  },
};

export const AccountsArabic: Story = {
  name: 'Connected accounts: Arabic (ar, right to left), disconnect confirmation',
  render: only('accounts-section'),
  globals: { locale: 'ar' },
  loaders: [withBroker(withDevHub)],
  play: async ({ canvasElement }) => {
    const { region } = await accounts(canvasElement);
    await expect(region.getByRole('heading', { name: 'الحسابات المرتبطة' })).toBeVisible();
    await expect(region.getByRole('button', { name: 'ربط Google' })).toBeVisible();
    await userEvent.click(region.getByRole('button', { name: 'فصل DevHub' }));
    await waitFor(() => expect(region.getByRole('group', { name: /فصل .DevHub.؟/ })).toBeVisible());
  },
};

// ---- Email address, Password and Active sessions (issue 23 §5) ----

/** Ada signed in here and on two other devices. */
const withSessions: FakeBrokerOptions = {
  ...withPasskeys,
  clock: () => Date.parse('2026-12-01T12:00:00Z'),
  sessions: {
    [email]: [
      { browser: 'Firefox', device: 'Windows', ip: '198.51.100.7', createdAt: '2026-11-20T08:00:00Z', lastSeenAt: '2026-11-30T09:15:00Z' },
      { browser: 'Safari', device: 'iOS', ip: '2001:db8::1', createdAt: '2026-11-02T08:00:00Z', lastSeenAt: '2026-11-28T18:40:00Z' },
    ],
  },
};

const sessionsOnly = only('sessions-section');

/** The section whose heading is `title`, once it is drawn. */
async function section(canvasElement: HTMLElement, title: string) {
  const p = await profile(canvasElement);
  const heading = await waitFor(() => p.card.getByRole('heading', { name: title }), { timeout: 4000 });
  return { ...p, section: within(heading.closest('section') as HTMLElement) };
}

export const SessionsSeveral: Story = {
  name: 'Sessions: several devices',
  render: sessionsOnly,
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Active sessions');
    const rows = await waitFor(() => {
      const found = s.getAllByRole('listitem');
      expect(found).toHaveLength(3);
      return found;
    });
    await expect(within(rows[0]!).getByText('This device')).toBeVisible();
    await expect(within(rows[0]!).getByText('Active now')).toBeVisible();
    await expect(within(rows[1]!).getByText('Firefox on Windows')).toBeVisible();
    await expect(s.getByRole('button', { name: 'Sign out Safari on iOS' })).toBeVisible();
    await expect(s.getByRole('button', { name: 'Sign out of all other devices' })).toBeVisible();
  },
};

export const SessionsAlone: Story = {
  name: 'Sessions: only this device',
  render: sessionsOnly,
  loaders: [withBroker({ ...withSessions, sessions: {} })],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Active sessions');
    await waitFor(() => expect(s.getByText('You aren’t signed in anywhere else.')).toBeVisible());
    await expect(s.queryByRole('button', { name: 'Sign out of all other devices' })).toBeNull();
  },
};

export const SessionsSignOutFailed: Story = {
  name: 'Sessions: sign-out failed',
  render: sessionsOnly,
  loaders: [withBroker(withSessions, (broker) => broker.failNext.set('/v1/sessions/revoke-others', 'network'))],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Active sessions');
    await userEvent.click(await waitFor(() => s.getByRole('button', { name: 'Sign out of all other devices' })));
    await waitFor(() => expect(s.getByRole('alert')).toHaveTextContent("We can't reach the sign-in service. Check your connection and try again."));
    await expect(s.getAllByRole('listitem')).toHaveLength(3);
  },
};

export const SessionsLoadFailed: Story = {
  name: 'Sessions: could not load',
  render: sessionsOnly,
  loaders: [withBroker(withSessions, (broker) => broker.failNext.set('/v1/sessions', 'network'))],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Active sessions');
    await waitFor(() => expect(s.getByRole('button', { name: 'Try again' })).toBeVisible());
  },
};

export const PasswordChanging: Story = {
  name: 'Password: changing',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Password');
    await userEvent.click(await waitFor(() => s.getByRole('button', { name: 'Change password' })));
    // The field is in the light DOM, where password managers find it.
    const field = await waitFor(() => within(canvasElement).getByLabelText<HTMLInputElement>('New password'));
    await expect(field).toHaveAttribute('autocomplete', 'new-password');
    await waitFor(() => expect(field).toHaveFocus());
    await userEvent.type(field, 'a brand new battery staple');
    await expect(within(canvasElement).getByRole('button', { name: 'Save password' })).toBeVisible();
  },
};

export const PasswordTooWeak: Story = {
  name: 'Password: too weak',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement, loaded }) => {
    const { section: s } = await section(canvasElement, 'Password');
    await userEvent.click(await waitFor(() => s.getByRole('button', { name: 'Change password' })));
    const field = await waitFor(() => within(canvasElement).getByLabelText<HTMLInputElement>('New password'));
    await userEvent.type(field, 'password1');
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Save password' }));
    // (The field's description also holds its Caps Lock hint, hidden until Caps Lock is on.)
    await waitFor(() => expect(field).toHaveAccessibleDescription(/^This is a common password, or too close to one\. Choose something less predictable\./));
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(loadedBroker(loaded).broker.users.get(email)!.password).toBe(password);
  },
};

export const PasswordSet: Story = {
  name: 'Password: none yet (passkeys only)',
  loaders: [withBroker({ ...withSessions, accounts: { [email]: null } })],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Password');
    await waitFor(() => expect(s.getByRole('button', { name: 'Set a password' })).toBeVisible());
    await expect(s.getByText(/Your account has no password/)).toBeVisible();
  },
};

export const PasswordNeedsRecentSignIn: Story = {
  name: 'Password: confirm it is you',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement, loaded }) => {
    const { section: s } = await section(canvasElement, 'Password');
    await userEvent.click(await waitFor(() => s.getByRole('button', { name: 'Change password' })));
    await userEvent.type(await waitFor(() => within(canvasElement).getByLabelText('New password')), 'a brand new battery staple');
    // The broker wants a recent sign-in: the card asks to confirm it is you (step-up) before it saves.
    loadedBroker(loaded).broker.failNext.set('/v1/password', 'reauthentication_required');
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Save password' }));
    await waitFor(() => expect(canvasElement.querySelector('lk-user-profile')!.matches(':state(step-up)')).toBe(true));
    await waitFor(() => expect(within(canvasElement).getByRole('heading', { name: 'Confirm it’s you' })).toBeVisible());
  },
};

export const EmailNewAddress: Story = {
  name: 'Email: new address',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement }) => {
    const { section: s } = await section(canvasElement, 'Email address');
    await expect(s.getByText(email)).toBeVisible();
    await userEvent.click(s.getByRole('button', { name: 'Change email' }));
    const field = await waitFor(() => within(canvasElement).getByLabelText<HTMLInputElement>('New email address'));
    await waitFor(() => expect(field).toHaveFocus());
    await userEvent.type(field, 'ada@lovelace.example');
    await expect(within(canvasElement).getByRole('button', { name: 'Send code' })).toBeVisible();
  },
};

/** Opens the email form and sends `address`. */
async function sendNewAddress(canvasElement: HTMLElement, address: string) {
  const found = await section(canvasElement, 'Email address');
  await userEvent.click(found.section.getByRole('button', { name: 'Change email' }));
  await userEvent.type(await waitFor(() => within(canvasElement).getByLabelText('New email address')), address);
  await userEvent.click(within(canvasElement).getByRole('button', { name: 'Send code' }));
  return found;
}

export const EmailCode: Story = {
  name: 'Email: verification code',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement }) => {
    await sendNewAddress(canvasElement, 'ada@lovelace.example');
    const code = await waitFor(() => within(canvasElement).getByLabelText<HTMLInputElement>('Verification code'));
    await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await waitFor(() => expect(code).toHaveFocus());
    await expect(within(canvasElement).getByText(/We sent a code to ada@lovelace\.example/)).toBeVisible();
  },
};

export const EmailWrongCode: Story = {
  name: 'Email: wrong code',
  loaders: [withBroker(withSessions)],
  play: async ({ canvasElement }) => {
    await sendNewAddress(canvasElement, 'ada@lovelace.example');
    const code = await waitFor(() => within(canvasElement).getByLabelText<HTMLInputElement>('Verification code'));
    await userEvent.type(code, '000000');
    await waitFor(() => expect(code).toHaveAccessibleDescription("That code isn't right. 4 tries left."));
  },
};

export const EmailSsoDomain: Story = {
  name: 'Email: address of an SSO organization',
  loaders: [withBroker({ ...withSessions, ssoDomains: { 'acme.test': 'Acme' }, ssoRequired: ['acme.test'] })],
  play: async ({ canvasElement }) => {
    await sendNewAddress(canvasElement, 'ada@acme.test');
    const field = within(canvasElement).getByLabelText<HTMLInputElement>('New email address');
    await waitFor(() => expect(field).toHaveAccessibleDescription("This address's organization signs its people in with its own single sign-on, so it can't be used here."));
  },
};

// ---- Two-step verification (issue 23) ----

/** Ada with a password and no passkeys yet, the dates fixed for the snapshots. */
const twoStepBase: FakeBrokerOptions = { methods, accounts: { [email]: password }, signedInAs: email, social: [devhub], clock: () => Date.parse('2026-12-01T12:00:00Z') };
/** The same on a broker that offers no passkeys and no social provider: the shortest page around an enrolment, so its snapshot holds it whole. */
const enrolBase: FakeBrokerOptions = { accounts: { [email]: password }, signedInAs: email, clock: () => Date.parse('2026-12-01T12:00:00Z') };
/** Ada with an authenticator app and all ten recovery codes but three. */
const twoStepOn: FakeBrokerOptions = {
  ...twoStepBase,
  totp: { [email]: '314159' },
  recoveryCodes: { [email]: ['k7m2p-q9x4t', 'w3n8c-r6v2h', 'h4j9s-t2b7x', 'p8d3m-y6q2c', 'c5v9n-z3k8w', 'r2t7g-b4m9s', 'x6h3p-d8w2k'] },
};

const twoStepOnly = only('two-step-section');

/** The two-step section, to query by role, once its status is in; the light-DOM form of the element too. */
async function twoStep(canvasElement: HTMLElement) {
  const p = await profile(canvasElement);
  const region = await waitFor(() => {
    const found = p.el.shadowRoot!.querySelector<HTMLElement>('[aria-labelledby="two-step-title"]');
    expect(found?.querySelector('[data-action="set-up"], [data-factor]')).toBeTruthy();
    return found!;
  }, { timeout: 4000 });
  return { ...p, region: within(region), form: within(p.el as HTMLElement) };
}

/** "Set up an authenticator app", until its QR code and field are there. */
async function startSetUp(canvasElement: HTMLElement) {
  const t = await twoStep(canvasElement);
  await userEvent.click(t.region.getByRole('button', { name: 'Set up an authenticator app' }));
  // The enrolment and its QR encoder are chunks loaded on this click: on a busy machine, longer than waitFor's 1 s default.
  const field = await waitFor(() => t.form.getByLabelText<HTMLInputElement>('Verification code'), { timeout: 4000 });
  return { ...t, field };
}

export const TwoStepOff: Story = {
  name: 'Two-step verification off',
  loaders: [withBroker(twoStepBase)],
  play: async ({ canvasElement }) => {
    const { region } = await twoStep(canvasElement);
    await expect(region.getByText('Two-step verification is off.')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Set up an authenticator app' })).toBeEnabled();
  },
};

export const TwoStepEnrolling: Story = {
  name: 'Setting up an authenticator app',
  render: twoStepOnly,
  loaders: [withBroker(enrolBase)],
  play: async ({ canvasElement }) => {
    const { el, form, field } = await startSetUp(canvasElement);
    await expect(form.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    await expect(el.querySelector('.lk-key')!.textContent).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await expect(form.getByRole('button', { name: 'Copy key' })).toBeVisible();
    await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
    await waitFor(() => expect(document.activeElement).toBe(field));
    await expect(form.getByRole('button', { name: 'Turn on' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(el.matches(':state(enrolling-mfa)')).toBe(true);
  },
};

export const TwoStepWrongCode: Story = {
  name: 'Setting up: wrong code',
  render: twoStepOnly,
  loaders: [withBroker(enrolBase)],
  play: async ({ canvasElement }) => {
    const { field } = await startSetUp(canvasElement);
    await userEvent.type(field, '000000');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    await expect(field).toHaveAccessibleDescription(/That code didn't work/);
  },
};

export const TwoStepRecoveryCodes: Story = {
  name: 'Setting up: recovery codes shown once',
  render: twoStepOnly,
  loaders: [withBroker(enrolBase)],
  play: async ({ canvasElement }) => {
    const { el, form, region, field } = await startSetUp(canvasElement);
    await userEvent.type(field, '123456');
    await waitFor(() => expect(el.querySelectorAll('.lk-codes li')).toHaveLength(10), { timeout: 4000 });
    await expect(region.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Copy codes' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Download' })).toBeVisible();
    await expect(form.getByRole('button', { name: "I've saved them" })).toBeVisible();
  },
};

export const TwoStepOn: Story = {
  name: 'Two-step verification on',
  loaders: [withBroker(twoStepOn)],
  play: async ({ canvasElement }) => {
    const { region } = await twoStep(canvasElement);
    await expect(region.getByText('Authenticator app')).toBeVisible();
    await expect(region.getByText('Added Nov 24, 2026')).toBeVisible();
    await expect(region.getByText('7 recovery codes left.')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Regenerate recovery codes' })).toBeVisible();
    await expect(region.getByRole('button', { name: 'Remove authenticator app' })).toBeVisible();
  },
};

export const TwoStepRemoveConfirm: Story = {
  name: 'Two-step verification: remove confirmation',
  loaders: [withBroker(twoStepOn)],
  play: async ({ canvasElement }) => {
    const { el, region } = await twoStep(canvasElement);
    await userEvent.click(region.getByRole('button', { name: 'Remove authenticator app' }));
    const cancel = await waitFor(() => region.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(cancel));
    await expect(region.getByText('Remove your authenticator app?')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Remove app' })).toBeVisible();
  },
};

export const TwoStepRegenerated: Story = {
  name: 'Two-step verification: new recovery codes',
  loaders: [withBroker(twoStepOn)],
  play: async ({ canvasElement }) => {
    const { el, region } = await twoStep(canvasElement);
    await userEvent.click(region.getByRole('button', { name: 'Regenerate recovery codes' }));
    await waitFor(() => expect(region.getByText('Make new recovery codes?')).toBeVisible());
    await userEvent.click(region.getByRole('button', { name: 'Make new codes' }));
    await waitFor(() => expect(el.querySelectorAll('.lk-codes li')).toHaveLength(10), { timeout: 4000 });
    await expect(region.getByText('10 recovery codes left.')).toBeVisible();
  },
};

export const TwoStepGerman: Story = {
  name: 'Two-step verification on, German (de)',
  globals: { locale: 'de' },
  loaders: [withBroker(twoStepOn)],
  play: async ({ canvasElement }) => {
    const { region } = await twoStep(canvasElement);
    await expect(region.getByRole('heading', { name: 'Bestätigung in zwei Schritten' })).toBeVisible();
    await expect(region.getByText('Noch 7 Wiederherstellungscodes übrig.')).toBeVisible();
  },
};

export const TwoStepArabic: Story = {
  name: 'Setting up an authenticator app, Arabic (ar)',
  globals: { locale: 'ar' },
  loaders: [withBroker(enrolBase)],
  play: async ({ canvasElement }) => {
    const t = await twoStep(canvasElement);
    await userEvent.click(t.region.getByRole('button', { name: 'إعداد تطبيق المصادقة' }));
    await waitFor(() => expect(t.el.querySelector('input[autocomplete="one-time-code"]')).not.toBeNull());
    await expect(getComputedStyle(t.el.querySelector('.lk-key')!).direction).toBe('ltr');
  },
};
