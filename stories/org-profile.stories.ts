import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/org-profile.js';
import type { LkOrgProfile } from '@latchkey/elements/org-profile.js';
import type { FakeBroker, FakeBrokerOptions, FakeOrgSeed } from '@latchkey/testing';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { storyElement } from './support/shadow.js';

const ADA = 'ada@acme.test';
const BO = 'bo@acme.test';
const CY = 'cy@acme.test';
const DEE = 'dee@acme.test';
const password = 'correct horse battery staple';
const ORG = 'org_acme';
/** The fake's now: dates of invitations and events are fixed for the snapshots. */
const NOW = Date.parse('2026-12-01T12:00:00Z');

/** Acme: Ada owns it, Bo is an admin with a passkey, Cy a member, Dee in the custom Billing role; MFA required with a grace period. */
function acme(overrides: Partial<FakeOrgSeed> = {}): FakeOrgSeed {
  return {
    id: ORG,
    name: 'Acme',
    slug: 'acme',
    createdAt: '2026-03-02T12:00:00Z',
    members: {
      [ADA]: { role: 'owner', name: 'Ada Lovelace', joinedAt: '2026-03-02T12:00:00Z', source: 'created' },
      [BO]: { role: 'admin', name: 'Bo Li', joinedAt: '2026-04-11T12:00:00Z' },
      [CY]: { role: 'member', name: 'Cy Okafor', joinedAt: '2026-06-19T12:00:00Z' },
      [DEE]: { role: 'billing', name: 'Dee Park', joinedAt: '2026-09-30T12:00:00Z' },
    },
    roles: [{ key: 'billing', name: 'Billing', permissions: ['org:read', 'members:read', 'audit:read'] }],
    invitations: [
      { email: 'fay@acme.test', role: 'member', invitedBy: ADA, createdAt: '2026-11-28T12:00:00Z', expiresAt: '2026-12-05T12:00:00Z' },
      { email: 'gus@partner.test', role: 'admin', invitedBy: BO, createdAt: '2026-11-30T12:00:00Z', expiresAt: '2026-12-07T12:00:00Z' },
    ],
    links: [
      { role: 'member', uses: 3, maxUses: 10, expiresAt: '2030-01-01T12:00:00Z', createdAt: '2026-11-20T12:00:00Z' },
      { role: 'billing', uses: 12, maxUses: null, revoked: true, createdAt: '2026-10-01T12:00:00Z' },
    ],
    requests: [
      { email: 'hal@acme.test', message: 'I joined the support team this week. Could I see the customer accounts?', createdAt: '2026-11-29T12:00:00Z' },
      { email: 'ivy@acme.test', status: 'denied', reason: 'Contractors join through their agency’s workspace.', createdAt: '2026-11-20T12:00:00Z' },
      { email: 'jo@acme.test', status: 'approved', createdAt: '2026-11-18T12:00:00Z' },
    ],
    domains: [
      { domain: 'acme.test', enrollment: 'request' },
      { domain: 'acme-labs.test', verification: null, txtToken: 'Qm7x2ZpK4d9sWb3NvH8cTe' },
    ],
    policies: { require_mfa: true, grace_days: 14, grace_until: '2026-12-15T12:00:00Z' },
    events: [
      { type: 'member.added', actor: { user_id: null, email: ADA }, target: { type: 'user', id: 'u1', label: CY }, ip: '203.0.113.10', created_at: '2026-11-25T09:12:00Z' },
      { type: 'domain.verified', actor: { user_id: null, email: BO }, target: { type: 'domain', id: 'acme.test', label: 'acme.test' }, ip: '198.51.100.7', created_at: '2026-11-26T14:03:00Z' },
      { type: 'member.role_changed', actor: { user_id: null, email: ADA }, target: { type: 'user', id: 'u4', label: DEE }, ip: '203.0.113.10', created_at: '2026-11-28T10:45:00Z' },
      { type: 'invitation.created', actor: { user_id: null, email: ADA }, target: { type: 'invitation', id: 'i1', label: 'fay@acme.test' }, ip: '203.0.113.10', created_at: '2026-11-28T12:00:00Z' },
      { type: 'policy.updated', actor: { user_id: null, email: ADA }, target: { type: 'organization', id: ORG, label: 'Acme' }, ip: '203.0.113.10', created_at: '2026-11-30T16:20:00Z' },
      { type: 'sign_in.failed', actor: null, target: { type: 'user', id: 'u2', label: BO }, ip: '192.0.2.44', created_at: '2026-11-30T22:51:00Z' },
    ],
    ...overrides,
  };
}

/** The accounts behind Acme, signed in as `as`: Ada and Bo have a passkey (a second factor), Cy and Dee do not (so they are out of policy). */
function brokerOptions(as = ADA, extra: FakeBrokerOptions = {}): FakeBrokerOptions {
  return {
    accounts: { [ADA]: password, [BO]: password, [CY]: password, [DEE]: password },
    passkeys: { [ADA]: [{ name: 'MacBook Pro' }], [BO]: [{ name: 'iPhone' }] },
    signedInAs: as,
    clock: () => NOW,
    ...extra,
  };
}

/** A broker with Acme (as `seed` changes it) and whatever `script` adds. */
const withAcme = (seed: Partial<FakeOrgSeed> = {}, options: FakeBrokerOptions = {}, script?: (broker: FakeBroker) => void) =>
  withBroker(brokerOptions(options.signedInAs ?? ADA, options), (broker) => {
    broker.orgs.seed({ organizations: [acme(seed)] });
    script?.(broker);
  });

/** lk-org-profile on the in-memory broker: one story per state a designer reviews. */
const meta = {
  title: 'Elements/Organization profile',
  component: 'lk-org-profile',
  loaders: [withAcme()],
  render: (_args, { loaded, globals }) =>
    html`<lk-org-profile theme=${elementTheme(globals)} org=${ORG} .client=${loadedBroker(loaded).client}>
      <a slot="signed-out" href="#sign-in" style="color: inherit; font-weight: 600">Sign in</a>
    </lk-org-profile>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

/**
 * A story of one section shows that section alone (the element's `sections` attribute, as a host
 * page that splits the settings over pages would set it): the whole card is taller than the test
 * viewport, and a screenshot past it is slow and unstable.
 */
const only =
  (section: string): Story['render'] =>
  (_args, { loaded, globals }) =>
    html`<lk-org-profile theme=${elementTheme(globals)} org=${ORG} sections=${section} .client=${loadedBroker(loaded).client}></lk-org-profile>`;

/** The element, its shadow root to query by role, and a reader of what it says. */
async function profile(canvasElement: HTMLElement) {
  const el = await storyElement<LkOrgProfile>(canvasElement, 'lk-org-profile');
  const card = within(el.shadowRoot as unknown as HTMLElement);
  const says = () => (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ');
  return { el, card, says };
}

/** The section named `title`, once its chunk and list are in. */
async function section(canvasElement: HTMLElement, title: string, ready = '.list:not(.skeleton), .empty, form, table') {
  const p = await profile(canvasElement);
  const region = await waitFor(
    () => {
      const found = p.card.getByRole('region', { name: title });
      expect(found.querySelector(ready)).not.toBeNull();
      return found;
    },
    { timeout: 5000 },
  );
  return { ...p, region: within(region), regionElement: region };
}

/** A name or address as the element sets it apart inside a sentence (U+2068…U+2069), so it reads right in any direction. */
const iso = (text: string) => `\u2068${text}\u2069`;

/** The live region's words. */
const announced = (el: LkOrgProfile) => el.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent?.trim() ?? '';

// ---- The card ----

export const Loading: Story = {
  name: 'Loading',
  loaders: [withAcme({}, {}, (broker) => broker.stalled.add('/v1/orgs'))],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByText('Loading the organization…')).toHaveAttribute('role', 'status'));
    await expect(el.matches(':state(loading)')).toBe(true);
  },
};

export const SignedOut: Story = {
  name: 'Signed out',
  loaders: [withAcme({}, { signedInAs: 'nobody@acme.test' })],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(el.matches(':state(signed-out)')).toBe(true));
    await expect(card.getByText('Sign in to manage your organization.')).toBeVisible();
    await expect(within(canvasElement).getByRole('link', { name: 'Sign in' })).toBeVisible();
  },
};

export const NotAMember: Story = {
  name: 'Not a member',
  loaders: [withAcme({ members: { [ADA]: 'owner' } }, { signedInAs: CY })],
  play: async ({ canvasElement }) => {
    const { card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByText('You aren’t a member of this organization, or it no longer exists.')).toBeVisible());
  },
};

export const Unreachable: Story = {
  name: 'Broker unreachable',
  loaders: [withAcme({}, {}, (broker) => broker.failNext.set('/v1/orgs', 'network'))],
  play: async ({ canvasElement }) => {
    const { card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByRole('alert')).toHaveTextContent("We can't reach the sign-in service."));
    await expect(card.getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

// ---- General ----

export const General: Story = {
  name: 'General: owner',
  render: only('general'),
  play: async ({ canvasElement }) => {
    const { region, card } = await section(canvasElement, 'General');
    await expect(card.getByRole('heading', { name: 'Acme', level: 2 })).toBeVisible();
    await expect(card.getByText('Your role: Owner')).toBeVisible();
    await expect(region.getByLabelText('Organization name')).toHaveValue('Acme');
    await expect(region.getByRole('button', { name: 'Leave…' })).toBeVisible();
    await expect(region.getByRole('button', { name: 'Delete…' })).toBeVisible();
  },
};

export const GeneralMember: Story = {
  name: 'General: member (leave only)',
  render: only('general'),
  loaders: [withAcme({}, { signedInAs: CY })],
  play: async ({ canvasElement }) => {
    const { region, card } = await section(canvasElement, 'General', '.zone');
    await expect(card.getByText('Your role: Member')).toBeVisible();
    await expect(region.queryByLabelText('Organization name')).toBeNull();
    await expect(region.queryByRole('button', { name: 'Delete…' })).toBeNull();
    await expect(region.getByRole('button', { name: 'Leave…' })).toBeVisible();
  },
};

export const GeneralRenamed: Story = {
  name: 'General: renamed',
  render: only('general'),
  play: async ({ canvasElement }) => {
    const { el, region, card } = await section(canvasElement, 'General');
    // Typed over the whole name, as a user who selected it does.
    await userEvent.type(region.getByLabelText('Organization name'), 'Acme Corporation', { initialSelectionStart: 0, initialSelectionEnd: 4 });
    await userEvent.click(region.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(card.getByRole('heading', { name: 'Acme Corporation', level: 2 })).toBeVisible());
    await waitFor(() => expect(announced(el)).toBe('Organization renamed.'));
  },
};

export const GeneralLastOwner: Story = {
  name: 'General: the only owner cannot leave',
  render: only('general'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'General');
    await userEvent.click(region.getByRole('button', { name: 'Leave…' }));
    const cancel = await waitFor(() => region.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(cancel));
    await userEvent.click(region.getByRole('button', { name: 'Leave organization' }));
    await waitFor(() => expect(region.getByRole('alert')).toHaveTextContent(`You’re the only owner of ${iso('Acme')}, so you can’t leave it.`));
    await expect(loadedBroker(loaded).broker.orgs.roleOf(ORG, ADA)).toBe('owner');
  },
};

export const GeneralDeleteConfirm: Story = {
  name: 'General: delete asks for the name',
  render: only('general'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'General');
    await userEvent.click(region.getByRole('button', { name: 'Delete…' }));
    const typed = await waitFor(() => region.getByLabelText('Type Acme to confirm'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(typed));
    await userEvent.type(typed, 'acme');
    await userEvent.click(region.getByRole('button', { name: 'Delete organization' }));
    await waitFor(() => expect(typed).toHaveAccessibleDescription('Type the organization’s name exactly as it is shown.'));
    await expect(loadedBroker(loaded).broker.orgs.roleOf(ORG, ADA)).toBe('owner');
  },
};

export const GeneralLeft: Story = {
  name: 'General: left the organization',
  render: only('general'),
  loaders: [withAcme({}, { signedInAs: CY })],
  play: async ({ canvasElement }) => {
    const { el, region, card } = await section(canvasElement, 'General', '.zone');
    const changed: Array<string | null> = [];
    el.addEventListener('lk-org-changed', (e) => changed.push(e.detail.org_id));
    await userEvent.click(region.getByRole('button', { name: 'Leave…' }));
    await userEvent.click(await waitFor(() => region.getByRole('button', { name: 'Leave organization' })));
    await waitFor(() => expect(card.getByRole('status')).toHaveTextContent(`You left ${iso('Acme')}.`));
    await expect(changed).toEqual([null]);
  },
};

// ---- Members ----

export const Members: Story = {
  name: 'Members: owner, with out-of-policy badges',
  render: only('members'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Members');
    const rows = region.getAllByRole('listitem');
    await expect(rows).toHaveLength(4);
    await expect(within(rows[0]!).getByText('You')).toBeVisible();
    // Her own row is read only: no role picker, no Remove.
    await expect(within(rows[0]!).queryByRole('combobox')).toBeNull();
    await expect(region.getByRole('combobox', { name: 'Role of Bo Li' })).toHaveValue('admin');
    await expect(within(rows[2]!).getByText('Out of policy')).toBeVisible();
    await expect(within(rows[2]!).getByText('Two-step verification needed by Dec 15, 2026')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Remove Cy Okafor' })).toBeVisible();
  },
};

export const MembersLoading: Story = {
  name: 'Members: loading',
  render: only('members'),
  loaders: [withAcme({}, {}, (broker) => broker.stalled.add(`/v1/orgs/${ORG}/members`))],
  play: async ({ canvasElement }) => {
    const { el, card } = await profile(canvasElement);
    await waitFor(() => expect(card.getByText('Loading the members…')).toHaveAttribute('role', 'status'));
    await expect(el.matches(':state(loading)')).toBe(true);
  },
};

export const MembersReadOnly: Story = {
  name: 'Members: as a member (read only)',
  render: only('members'),
  loaders: [withAcme({}, { signedInAs: CY })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Members');
    await expect(region.queryByRole('combobox')).toBeNull();
    await expect(region.queryByRole('button', { name: /^Remove/ })).toBeNull();
    // The broker tells only owners and admins who is out of policy.
    await expect(region.queryByText('Out of policy')).toBeNull();
  },
};

export const MembersRoleChanged: Story = {
  name: 'Members: role changed',
  render: only('members'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Members');
    await userEvent.selectOptions(region.getByRole('combobox', { name: 'Role of Cy Okafor' }), 'admin');
    await waitFor(() => expect(announced(el)).toBe(`${iso('Cy Okafor')} is now ${iso('Admin')}.`));
    await expect(loadedBroker(loaded).broker.orgs.roleOf(ORG, CY)).toBe('admin');
  },
};

export const MembersAdminCannotGrantOwner: Story = {
  name: 'Members: as an admin (owner rows read only, owner not offered)',
  render: only('members'),
  loaders: [withAcme({}, { signedInAs: BO })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Members');
    await expect(region.queryByRole('combobox', { name: 'Role of Ada Lovelace' })).toBeNull();
    await expect(region.queryByRole('button', { name: 'Remove Ada Lovelace' })).toBeNull();
    const cy = region.getByRole('combobox', { name: 'Role of Cy Okafor' });
    await expect(within(cy).getByRole('option', { name: 'Owner' })).toBeDisabled();
  },
};

export const MembersRemoveConfirm: Story = {
  name: 'Members: remove confirmation',
  render: only('members'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Members');
    await userEvent.click(region.getByRole('button', { name: 'Remove Dee Park' }));
    const cancel = await waitFor(() => region.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(cancel));
    await expect(region.getByText(`Remove ${iso('Dee Park')} from ${iso('Acme')}? They lose access at once.`)).toBeVisible();
    await expect(region.getByRole('button', { name: 'Remove member' })).toBeVisible();
  },
};

export const MembersRemoved: Story = {
  name: 'Members: removed',
  render: only('members'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Members');
    await userEvent.click(region.getByRole('button', { name: 'Remove Dee Park' }));
    await userEvent.click(await waitFor(() => region.getByRole('button', { name: 'Remove member' })));
    await waitFor(() => expect(announced(el)).toBe(`${iso('Dee Park')} was removed from the organization.`));
    await expect(region.getAllByRole('listitem')).toHaveLength(3);
    await expect(loadedBroker(loaded).broker.orgs.roleOf(ORG, DEE)).toBeUndefined();
  },
};

/** Fifty-five members: a page of fifty, then "Show more". */
const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`member${String(i + 1).padStart(2, '0')}@acme.test`, 'member']));

export const MembersShowMore: Story = {
  name: 'Members: show more',
  // Fifty-five rows are taller than the test viewport: the page scrolls the list in a box of its own (a `::part` style).
  render: (args, context) =>
    html`${only('members')!(args, context)}<style>
      .lk-story > lk-org-profile::part(member-list) { max-block-size: 22rem; overflow-y: auto; }
    </style>`,
  loaders: [withAcme({ members: { ...acme().members, ...many } })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Members');
    await expect(region.getAllByRole('listitem')).toHaveLength(50);
    await userEvent.click(region.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(region.getAllByRole('listitem')).toHaveLength(55));
    await expect(region.queryByRole('button', { name: 'Show more' })).toBeNull();
  },
};

export const MembersGerman: Story = {
  name: 'Members: German (de)',
  render: only('members'),
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const { region, card } = await section(canvasElement, 'Mitglieder');
    await expect(card.getByText('Ihre Rolle: Inhaber')).toBeVisible();
    await expect(region.getByRole('combobox', { name: 'Rolle von Bo Li' })).toHaveValue('admin');
    await expect(region.getAllByText('Nicht richtlinienkonform')).toHaveLength(2);
  },
};

export const MembersArabic: Story = {
  name: 'Members: Arabic (ar, right to left)',
  render: only('members'),
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'الأعضاء');
    await expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).direction).toBe('rtl');
    await expect(region.getByRole('combobox', { name: 'دور Bo Li' })).toHaveValue('admin');
    await userEvent.click(region.getByRole('button', { name: 'إزالة Dee Park' }));
    await waitFor(() => expect(region.getByRole('button', { name: 'إزالة العضو' })).toBeVisible());
  },
};

// ---- Invitations ----

export const Invitations: Story = {
  name: 'Invitations: pending and invite links',
  render: only('invitations'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Invitations');
    await expect(region.getByText('fay@acme.test')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Revoke the invitation to gus@partner.test' })).toBeVisible();
    await expect(region.getByText('Uses: 3 of 10')).toBeVisible();
    await expect(region.getByText('Revoked')).toBeVisible();
    await expect(region.getByLabelText('Role')).toHaveValue('member');
  },
};

export const InvitationsEmpty: Story = {
  name: 'Invitations: none yet',
  render: only('invitations'),
  loaders: [withAcme({ invitations: [], links: [] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Invitations');
    await expect(region.getByText('No invitations are waiting to be accepted.')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Create an invite link' })).toBeVisible();
  },
};

export const InvitationSent: Story = {
  name: 'Invitations: invitation sent',
  render: only('invitations'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Invitations');
    await userEvent.type(region.getByLabelText('Email'), 'kai@acme.test');
    await userEvent.selectOptions(region.getByLabelText('Role'), 'admin');
    await userEvent.click(region.getByRole('button', { name: 'Send invitation' }));
    await waitFor(() => expect(announced(el)).toBe(`Invitation sent to ${iso('kai@acme.test')}.`));
    await expect(region.getByText('kai@acme.test')).toBeVisible();
    await expect(el.shadowRoot!.activeElement).toBe(region.getByLabelText('Email'));
    await expect(loadedBroker(loaded).broker.mail.at(-1)?.to).toBe('kai@acme.test');
  },
};

export const InvitationAlreadyMember: Story = {
  name: 'Invitations: already a member',
  render: only('invitations'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Invitations');
    const email = region.getByLabelText('Email');
    await userEvent.type(email, CY);
    await userEvent.click(region.getByRole('button', { name: 'Send invitation' }));
    await waitFor(() => expect(email).toHaveAccessibleDescription(`${iso(CY)} is already a member of ${iso('Acme')}.`));
    await expect(email).toHaveAttribute('aria-invalid', 'true');
  },
};

export const InviteLinkCreated: Story = {
  name: 'Invitations: invite link created (shown once)',
  render: only('invitations'),
  // The host's sign-up page and the link's token fixed, so the URL shown once is the same in every snapshot.
  loaders: [withAcme({ invitations: [], links: [] }, { origin: 'https://app.acme.test' }, (broker) => broker.orgs.nextLinkTokens.push('il_Vb3kQ9xZ2mHc7pLw4RtY8sNe'))],
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Invitations');
    await userEvent.click(region.getByRole('button', { name: 'Create an invite link' }));
    await userEvent.type(await waitFor(() => region.getByLabelText('Maximum uses')), '25');
    await userEvent.selectOptions(region.getByLabelText('Expires'), '2592000');
    await userEvent.click(region.getByRole('button', { name: 'Create link' }));
    const url = await waitFor(() => region.getByRole('textbox', { name: /Your new invite link/ }));
    await expect(url).toHaveValue('https://app.acme.test/sign-up?lk_invite=il_Vb3kQ9xZ2mHc7pLw4RtY8sNe');
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(url));
    await expect(region.getByRole('button', { name: 'Copy link' })).toBeVisible();
    await expect(region.getByText('Uses: 0 of 25')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Done' })).toBeVisible();
  },
};

export const InviteLinkForm: Story = {
  name: 'Invitations: new invite link form, wrong limit',
  render: only('invitations'),
  loaders: [withAcme({ invitations: [] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Invitations');
    await userEvent.click(region.getByRole('button', { name: 'Create an invite link' }));
    const uses = await waitFor(() => region.getByLabelText('Maximum uses'));
    await userEvent.type(uses, '0');
    await userEvent.click(region.getByRole('button', { name: 'Create link' }));
    await waitFor(() => expect(uses).toHaveAccessibleDescription(/Enter a whole number from 1 to 100,000/));
  },
};

// ---- Requests to join ----

export const Requests: Story = {
  name: 'Requests: pending and decided',
  render: only('requests'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Requests to join');
    await expect(region.getByText('I joined the support team this week. Could I see the customer accounts?')).toBeVisible();
    await expect(region.getByRole('combobox', { name: 'Role for hal@acme.test' })).toHaveValue('member');
    await expect(region.getByText('Denied')).toBeVisible();
    await expect(region.getByText('Contractors join through their agency’s workspace.')).toBeVisible();
    await expect(region.getByText('Approved')).toBeVisible();
  },
};

export const RequestsNone: Story = {
  name: 'Requests: nobody waiting',
  render: only('requests'),
  loaders: [withAcme({ requests: [] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Requests to join');
    await expect(region.getByText('Nobody is waiting to join.')).toBeVisible();
  },
};

export const RequestDenyReason: Story = {
  name: 'Requests: deny needs a reason',
  render: only('requests'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Requests to join');
    await userEvent.click(region.getByRole('button', { name: 'Deny hal@acme.test' }));
    const reason = await waitFor(() => region.getByLabelText('Reason (they will see it)'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(reason));
    await userEvent.click(region.getByRole('button', { name: 'Deny request' }));
    await waitFor(() => expect(reason).toHaveAccessibleDescription('Say why: the reason is shown to them.'));
    await expect(loadedBroker(loaded).broker.orgs.events.some((e) => e.type === 'access_request.denied')).toBe(false);
  },
};

export const RequestDenied: Story = {
  name: 'Requests: denied with a reason',
  render: only('requests'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Requests to join');
    await userEvent.click(region.getByRole('button', { name: 'Deny hal@acme.test' }));
    await userEvent.type(await waitFor(() => region.getByLabelText('Reason (they will see it)')), 'Support sees customer accounts through the helpdesk.');
    await userEvent.click(region.getByRole('button', { name: 'Deny request' }));
    await waitFor(() => expect(announced(el)).toBe(`The request of ${iso('hal@acme.test')} was denied.`));
    await expect(region.getByText('Nobody is waiting to join.')).toBeVisible();
    await expect(region.getByText('Support sees customer accounts through the helpdesk.')).toBeVisible();
  },
};

export const RequestApproved: Story = {
  name: 'Requests: approved as admin',
  render: only('requests'),
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Requests to join');
    await userEvent.selectOptions(region.getByRole('combobox', { name: 'Role for hal@acme.test' }), 'admin');
    await userEvent.click(region.getByRole('button', { name: 'Approve hal@acme.test' }));
    await waitFor(() => expect(announced(el)).toBe(`${iso('hal@acme.test')} can now join.`));
    await expect(loadedBroker(loaded).broker.orgs.roleOf(ORG, 'hal@acme.test')).toBe('admin');
  },
};

// ---- Roles ----

export const Roles: Story = {
  name: 'Roles: built-in and custom',
  render: only('roles'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Roles');
    await expect(region.getAllByText('Built-in')).toHaveLength(3);
    await expect(region.getByText('billing')).toBeVisible();
    await expect(region.getByRole('list', { name: 'Permissions of Billing' })).toHaveTextContent('Read the audit log');
    await expect(region.getByRole('button', { name: 'Edit Billing' })).toBeVisible();
  },
};

export const RoleCreate: Story = {
  name: 'Roles: create a role',
  render: only('roles'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Roles');
    await userEvent.click(region.getByRole('button', { name: 'Create a role' }));
    const name = await waitFor(() => region.getByLabelText('Name'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(name));
    await userEvent.type(name, 'Support');
    await userEvent.click(region.getByRole('checkbox', { name: /See members and roles/ }));
    await userEvent.click(region.getByRole('checkbox', { name: /Decide requests to join/ }));
  },
};

export const RoleCreated: Story = {
  name: 'Roles: created',
  render: only('roles'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Roles');
    await userEvent.click(region.getByRole('button', { name: 'Create a role' }));
    await userEvent.type(await waitFor(() => region.getByLabelText('Name')), 'Support lead');
    await userEvent.click(region.getByRole('checkbox', { name: /Decide requests to join/ }));
    await userEvent.click(region.getByRole('button', { name: 'Create role' }));
    await waitFor(() => expect(announced(el)).toBe(`${iso('Support lead')} created.`));
    await expect(region.getByText('support-lead')).toBeVisible();
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(region.getByRole('button', { name: 'Edit Support lead' })));
  },
};

export const RoleEdit: Story = {
  name: 'Roles: edit a custom role',
  render: only('roles'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Roles');
    await userEvent.click(region.getByRole('button', { name: 'Edit Billing' }));
    const name = await waitFor(() => region.getByLabelText('Name'));
    await waitFor(() => expect(el.shadowRoot!.activeElement).toBe(name));
    await expect(name).toHaveValue('Billing');
    await expect(region.queryByLabelText('Key')).toBeNull();
    await expect(region.getByRole('checkbox', { name: /Read the audit log/ })).toBeChecked();
    await expect(region.getByRole('checkbox', { name: /Delete the organization/ })).not.toBeChecked();
  },
};

export const RoleInUse: Story = {
  name: 'Roles: delete refused while held',
  render: only('roles'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Roles');
    await userEvent.click(region.getByRole('button', { name: 'Delete Billing' }));
    await userEvent.click(await waitFor(() => region.getByRole('button', { name: 'Delete role' })));
    await waitFor(() => expect(region.getByRole('alert')).toHaveTextContent(`Members still hold ${iso('Billing')}. Give them another role first.`));
  },
};

// ---- Domains ----

export const Domains: Story = {
  name: 'Domains: verified, and one to verify',
  render: only('domains'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    await expect(region.getByText('Not verified')).toBeVisible();
    await expect(region.getByText('_latchkey-verification.acme-labs.test')).toBeVisible();
    await expect(region.getByRole('button', { name: 'Copy name' })).toBeVisible();
    await expect(region.getByRole('button', { name: 'Verify acme-labs.test' })).toBeVisible();
    const who = region.getByLabelText('Who can join');
    await expect(who).toHaveValue('request');
    await expect(within(who).getByRole('option', { name: 'People with an address here join at once' })).toBeEnabled();
  },
};

export const DomainsLoadFailed: Story = {
  name: 'Domains: could not load',
  render: only('domains'),
  loaders: [withAcme({}, {}, (broker) => broker.failNext.set(`/v1/orgs/${ORG}/domains`, 'network'))],
  play: async ({ canvasElement }) => {
    const { card } = await profile(canvasElement);
    const region = within(await waitFor(() => card.getByRole('region', { name: 'Domains' })));
    await waitFor(() => expect(region.getByRole('alert')).toHaveTextContent("We can't reach the sign-in service."), { timeout: 5000 });
    await expect(region.getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

export const DomainsEmpty: Story = {
  name: 'Domains: none yet',
  render: only('domains'),
  loaders: [withAcme({ domains: [] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    await expect(region.getByText('No domains yet.')).toBeVisible();
  },
};

export const DomainAdminVerified: Story = {
  name: 'Domains: verified by an administrator (no automatic joining)',
  render: only('domains'),
  loaders: [withAcme({ domains: [{ domain: 'acme.test', verification: 'admin', enrollment: 'manual' }] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    const who = region.getByLabelText('Who can join');
    await expect(within(who).getByRole('option', { name: 'People with an address here join at once' })).toBeDisabled();
    await expect(who).toHaveAccessibleDescription('Joining at once needs the domain verified by its DNS record.');
  },
};

export const DomainNotFoundYet: Story = {
  name: 'Domains: the record is not there yet',
  render: only('domains'),
  loaders: [withAcme({ domains: [{ domain: 'unverified.acme.test', verification: null, txtToken: 'Lr5vN8qW2hYk6cFj9Tb4Xs' }] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    await userEvent.click(region.getByRole('button', { name: 'Verify unverified.acme.test' }));
    await waitFor(() => expect(region.getByRole('alert')).toHaveTextContent('We could not find the record yet.'));
  },
};

export const DomainVerified: Story = {
  name: 'Domains: verified just now',
  render: only('domains'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Domains');
    await userEvent.click(region.getByRole('button', { name: 'Verify acme-labs.test' }));
    await waitFor(() => expect(announced(el)).toBe(`${iso('acme-labs.test')} is verified.`));
    await expect(region.queryByText('Not verified')).toBeNull();
    await expect(region.getAllByLabelText('Who can join')).toHaveLength(2);
  },
};

export const DomainPublic: Story = {
  name: 'Domains: a public email domain refused',
  render: only('domains'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    const domain = region.getByLabelText('Domain');
    await userEvent.type(domain, 'gmail.com');
    await userEvent.click(region.getByRole('button', { name: 'Add domain' }));
    await waitFor(() => expect(domain).toHaveAccessibleDescription(`${iso('gmail.com')} is a public email provider, so it can’t belong to an organization.`));
  },
};

export const DomainStepUp: Story = {
  name: 'Domains: adding one asks to confirm it’s you',
  render: only('domains'),
  // Signed in long ago: a change of the organization's security needs a recent sign-in.
  loaders: [withAcme({ domains: [] }, { signedInAt: 0 })],
  play: async ({ canvasElement, loaded }) => {
    const { el, region } = await section(canvasElement, 'Domains');
    await userEvent.type(region.getByLabelText('Domain'), 'acme-labs.test');
    await userEvent.click(region.getByRole('button', { name: 'Add domain' }));
    const panel = await waitFor(() => within(el).getByRole('region', { name: 'Confirm it’s you' }), { timeout: 5000 });
    await expect(el.matches(':state(step-up)')).toBe(true);
    const password = await waitFor(() => within(panel).getByLabelText('Password'), { timeout: 5000 });
    await waitFor(() => expect(document.activeElement).toBe(password));
    await expect(password).toHaveAttribute('autocomplete', 'current-password');
    await expect(loadedBroker(loaded).broker.orgs.events.some((e) => e.type === 'domain.added')).toBe(false);
  },
};

export const DomainsGerman: Story = {
  name: 'Domains: German (de)',
  render: only('domains'),
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Domains');
    await expect(region.getByText('Nicht verifiziert')).toBeVisible();
    await expect(region.getByRole('button', { name: 'acme-labs.test verifizieren' })).toBeVisible();
    await expect(region.getByLabelText('Wer beitreten kann')).toHaveValue('request');
  },
};

export const DomainsArabic: Story = {
  name: 'Domains: Arabic (ar, right to left)',
  render: only('domains'),
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'النطاقات');
    await expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).direction).toBe('rtl');
    await expect(region.getByText('غير موثّق')).toBeVisible();
    await userEvent.click(region.getByRole('button', { name: 'إزالة acme.test' }));
    await waitFor(() => expect(region.getByRole('button', { name: 'إزالة النطاق' })).toBeVisible());
  },
};

// ---- Security ----

export const Security: Story = {
  name: 'Security: policies and members out of policy',
  render: only('security'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Security');
    await expect(region.getByRole('checkbox', { name: /Require two-step verification/ })).toBeChecked();
    await expect(region.getByRole('checkbox', { name: /Require a passkey/ })).not.toBeChecked();
    await expect(region.getByLabelText('Grace period (days)')).toHaveValue(14);
    await expect(region.getByText(/2 members don’t meet these policies yet/)).toBeVisible();
  },
};

export const SecurityNoConnection: Story = {
  name: 'Security: single sign-on needs a connection',
  render: only('security'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Security');
    await userEvent.click(region.getByRole('checkbox', { name: /Require single sign-on/ }));
    await userEvent.click(region.getByRole('button', { name: 'Save policies' }));
    await waitFor(() => expect(region.getByRole('alert')).toHaveTextContent('Single sign-on can’t be required yet'));
  },
};

export const SecuritySaved: Story = {
  name: 'Security: saved, everyone in policy',
  render: only('security'),
  play: async ({ canvasElement }) => {
    const { el, region } = await section(canvasElement, 'Security');
    await userEvent.click(region.getByRole('checkbox', { name: /Require two-step verification/ }));
    await userEvent.click(region.getByRole('button', { name: 'Save policies' }));
    await waitFor(() => expect(announced(el)).toBe('Security policies saved.'));
    await waitFor(() => expect(region.getByText('Every member meets these policies.')).toBeVisible());
  },
};

// ---- Audit log ----

export const Audit: Story = {
  name: 'Audit log',
  render: only('audit'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Audit log');
    const rows = region.getAllByRole('row');
    await expect(rows).toHaveLength(7);
    await expect(within(rows[1]!).getByText('Sign-in failed')).toBeVisible();
    await expect(within(rows[1]!).getByText('The system')).toBeVisible();
    await expect(region.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', `https://fake-broker.latchkey.test/v1/orgs/${ORG}/audit.csv`);
  },
};

export const AuditFiltered: Story = {
  name: 'Audit log: filtered by type',
  render: only('audit'),
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Audit log');
    await userEvent.selectOptions(region.getByLabelText('Event type'), 'member.role_changed');
    await waitFor(() => expect(region.getAllByRole('row')).toHaveLength(2));
    await expect(region.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', `https://fake-broker.latchkey.test/v1/orgs/${ORG}/audit.csv?type=member.role_changed`);
  },
};

export const AuditEmpty: Story = {
  name: 'Audit log: no events',
  render: only('audit'),
  loaders: [withAcme({ events: [] })],
  play: async ({ canvasElement }) => {
    const { region } = await section(canvasElement, 'Audit log');
    await expect(region.getByText('No events yet.')).toBeVisible();
  },
};
