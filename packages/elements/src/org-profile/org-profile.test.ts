import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './org-profile.js';
import type { LkOrgProfile } from './org-profile.js';
import type { LkOrgChangedEvent } from '../events/org-changed.js';
import type { LkErrorEvent } from '../events/error.js';
import { setLocale } from '../internal/localization.js';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import type { FakeBrokerOptions, FakeOrgSeed } from '@latchkey/testing';

/** The tab's organization as the session store keeps it (packages/client, issue 24 §3). */
type OrgAwareStore = { readonly organization?: unknown; switchOrganization?(orgId: string | null): Promise<unknown> };

const ADA = 'ada@acme.test';
const BO = 'bo@acme.test';
const CY = 'cy@acme.test';
const DEE = 'dee@acme.test';
const PASSWORD = 'correct horse battery staple';
const ORG = 'org_acme';

afterEach(async () => {
  cleanup();
  await setLocale(null);
});

/** Acme: Ada owns it, Bo is an admin, Cy a member, Dee holds the custom Billing role (org:read, members:read, audit:read). */
function acme(overrides: Partial<FakeOrgSeed> = {}): FakeOrgSeed {
  return {
    id: ORG,
    name: 'Acme',
    members: { [ADA]: { role: 'owner', name: 'Ada Lovelace' }, [BO]: { role: 'admin', name: 'Bo Li' }, [CY]: { role: 'member', name: 'Cy Okafor' }, [DEE]: { role: 'billing', name: 'Dee Park' } },
    roles: [{ key: 'billing', name: 'Billing', permissions: ['org:read', 'members:read', 'audit:read'] }],
    ...overrides,
  };
}

const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const iso = (s: string) => `\u2068${s}\u2069`;

/** lk-org-profile for `as` on the fake broker with Acme (and `sections`, when given), once its sections are drawn. */
async function orgProfile(options: { as?: string; seed?: Partial<FakeOrgSeed>; broker?: FakeBrokerOptions; sections?: string; org?: string | null } = {}) {
  const broker = fakeBroker({ accounts: { [ADA]: PASSWORD, [BO]: PASSWORD, [CY]: PASSWORD, [DEE]: PASSWORD }, signedInAs: options.as ?? ADA, ...options.broker });
  broker.orgs.seed({ organizations: [acme(options.seed)] });
  const client = broker.client();
  const org = options.org === null ? undefined : (options.org ?? ORG);
  const el = await mount<LkOrgProfile>(html`<lk-org-profile org=${org ?? ''} sections=${options.sections ?? ''} .client=${client}></lk-org-profile>`, 'lk-org-profile');
  const root = el.shadowRoot!;
  const region = (key: string) => root.querySelector<HTMLElement>(`#${key}-section`);
  /** Waits until section `key` has drawn what it read (not its placeholder rows). */
  const ready = (key: string) => until(() => !!region(key)?.querySelector(':is(.list:not(.skeleton), .empty, form, table, .zone)'));
  const button = (key: string, name: string) =>
    [...(region(key)?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((b) => (b.getAttribute('aria-label') ?? text(b)) === name)!;
  const input = <T extends HTMLElement = HTMLInputElement>(selector: string) => root.querySelector<T>(selector)!;
  const announced = () => text(root.querySelector('[aria-live="polite"]'));
  const alerts = (key: string) => [...(region(key)?.querySelectorAll('[role="alert"]') ?? [])].map(text).join(' ');
  const described = (field: HTMLElement) => text(root.getElementById(`${field.id}-error`));
  const errors: string[] = [];
  el.addEventListener('lk-error', (e: LkErrorEvent) => errors.push(e.detail.code));
  return { broker, client, el, root, region, ready, button, input, announced, alerts, described, errors, id: (email: string) => broker.users.get(email)!.id };
}

function submit(form: HTMLFormElement | null) {
  form!.requestSubmit();
}

function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('lk-org-profile: the card', () => {
  it('shows an owner every section, each in its own region with a heading, axe clean', async () => {
    const p = await orgProfile();
    for (const key of ['general', 'members', 'invitations', 'requests', 'roles', 'domains', 'security', 'audit']) await p.ready(key);
    expect([...p.root.querySelectorAll('section h3')].map(text)).toEqual(['General', 'Members', 'Invitations', 'Requests to join', 'Roles', 'Domains', 'Security', 'Audit log']);
    expect(text(p.root.querySelector('[part~="title"]'))).toBe('Acme');
    expect(text(p.root.querySelector('[part~="subtitle"]'))).toBe('Your role: Owner');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('shows a member only what their permissions allow: General and Members, read only', async () => {
    const p = await orgProfile({ as: CY });
    await p.ready('members');
    expect([...p.root.querySelectorAll('section h3')].map(text)).toEqual(['General', 'Members']);
    expect(p.region('members')!.querySelector('select')).toBeNull();
    expect(p.region('general')!.querySelector('#org-name')).toBeNull();
  });

  it('shows a custom role its permissions: Billing reads members and the audit log', async () => {
    const p = await orgProfile({ as: DEE });
    await p.ready('audit');
    expect([...p.root.querySelectorAll('section h3')].map(text)).toEqual(['General', 'Members', 'Audit log']);
    expect(text(p.root.querySelector('[part~="subtitle"]'))).toBe('Your role: billing');
  });

  it('follows the tab\'s active organization in the session store when it has no org attribute', async () => {
    const p = await orgProfile({ org: null, sections: 'general' });
    await until(() => text(p.root).includes('Choose an organization to see its settings.'));
    // The tab switches (lk-org-switcher does this): the store tells its subscribers, and the card follows.
    await (p.client.session as OrgAwareStore).switchOrganization!(ORG);
    await p.ready('general');
    expect(text(p.root.querySelector('[part~="title"]'))).toBe('Acme');
  });

  it('says so to someone who is not a member, as for an organization that does not exist', async () => {
    const p = await orgProfile({ as: CY, seed: { members: { [ADA]: 'owner' } } });
    await until(() => text(p.root).includes('You aren’t a member of this organization, or it no longer exists.'));
    expect(p.root.querySelector('section')).toBeNull();
  });

  it('says why the organizations could not be read, fires lk-error, and reads them again on Try again', async () => {
    const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA });
    broker.orgs.seed({ organizations: [acme({ members: { [ADA]: 'owner' } })] });
    broker.failNext.set('/v1/orgs', 'internal_error');
    const errors: string[] = [];
    const el = await mount<LkOrgProfile>(html`<lk-org-profile org=${ORG} sections="general" .client=${broker.client()} @lk-error=${(e: LkErrorEvent) => errors.push(e.detail.code)}></lk-org-profile>`, 'lk-org-profile');
    await until(() => text(el.shadowRoot!.querySelector('[role="alert"]')) === 'Something went wrong on our side. Try again in a moment.');
    expect(errors).toEqual(['internal_error']);
    el.shadowRoot!.querySelector<HTMLButtonElement>('.failed button')!.click();
    await until(() => el.shadowRoot!.querySelector('#general-section .zone'));
  });
});

describe('lk-org-profile: General', () => {
  it('renames the organization: the header follows, and the change is announced', async () => {
    const p = await orgProfile({ sections: 'general' });
    await p.ready('general');
    const name = p.input('#org-name');
    type(name, '  ');
    submit(name.form);
    await until(() => p.described(name) === 'Enter the organization’s name.');
    expect(p.root.activeElement).toBe(name);
    type(name, 'Acme Corporation');
    submit(name.form);
    await until(() => text(p.root.querySelector('[part~="title"]')) === 'Acme Corporation');
    await until(() => p.announced() === 'Organization renamed.');
  });

  it('refuses the only owner leaving (last_owner) and says what to do instead; the owner stays', async () => {
    const p = await orgProfile({ sections: 'general' });
    await p.ready('general');
    p.button('general', 'Leave…').click();
    await until(() => p.root.activeElement === p.region('general')!.querySelector('[data-action="cancel"]'));
    p.region('general')!.querySelector<HTMLButtonElement>('[data-action="confirm-leave"]')!.click();
    await until(() => p.alerts('general') === `You’re the only owner of ${iso('Acme')}, so you can’t leave it. Make another member an owner first, or delete the organization.`);
    expect(p.broker.orgs.roleOf(ORG, ADA)).toBe('owner');
    expect(p.errors).toEqual(['last_owner']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('lets a member leave: lk-org-changed with no organization, and the card says so', async () => {
    const p = await orgProfile({ as: CY, sections: 'general' });
    await p.ready('general');
    const changed: LkOrgChangedEvent[] = [];
    document.addEventListener('lk-org-changed', (e) => changed.push(e), { once: true });
    p.button('general', 'Leave…').click();
    await until(() => p.region('general')!.querySelector('[data-action="confirm-leave"]'));
    p.region('general')!.querySelector<HTMLButtonElement>('[data-action="confirm-leave"]')!.click();
    await until(() => text(p.root.querySelector('.ended')) === `You left ${iso('Acme')}.`);
    expect(changed.map((e) => e.detail)).toEqual([{ org_id: null, organization: null }]);
    expect(changed[0]!.composed && changed[0]!.bubbles).toBe(true);
    expect(p.broker.orgs.roleOf(ORG, CY)).toBeUndefined();
    expect(p.announced()).toBe(`You left ${iso('Acme')}.`);
  });

  it('takes the tab out of the organization it left (to the personal account), so no token of it is asked for again', async () => {
    const p = await orgProfile({ as: CY, org: null, sections: 'general' });
    const store = p.client.session as OrgAwareStore;
    await store.switchOrganization!(ORG);
    await p.ready('general');
    p.button('general', 'Leave…').click();
    await until(() => p.region('general')!.querySelector('[data-action="confirm-leave"]'));
    p.region('general')!.querySelector<HTMLButtonElement>('[data-action="confirm-leave"]')!.click();
    await until(() => store.organization === null);
    await until(() => text(p.root.querySelector('.ended')) === `You left ${iso('Acme')}.`);
  });

  it('deletes the organization only once its name is typed exactly', async () => {
    const p = await orgProfile({ sections: 'general' });
    await p.ready('general');
    p.button('general', 'Delete…').click();
    await until(() => p.root.activeElement === p.root.querySelector('#confirm-name'));
    const typed = p.input('#confirm-name');
    type(typed, 'acme');
    p.region('general')!.querySelector<HTMLButtonElement>('[data-action="confirm-delete"]')!.click();
    await until(() => p.described(typed) === 'Type the organization’s name exactly as it is shown.');
    expect(typed.getAttribute('aria-invalid')).toBe('true');
    expect(p.broker.requests.filter((r) => r === `DELETE /v1/orgs/${ORG}`)).toEqual([]);
    const changed: Array<string | null> = [];
    p.el.addEventListener('lk-org-changed', (e) => changed.push(e.detail.org_id));
    type(typed, 'Acme');
    p.region('general')!.querySelector<HTMLButtonElement>('[data-action="confirm-delete"]')!.click();
    await until(() => text(p.root.querySelector('.ended')) === `${iso('Acme')} was deleted.`);
    expect(changed).toEqual([null]);
    expect(p.broker.requests).toContain(`DELETE /v1/orgs/${ORG}`);
  });
});

describe('lk-org-profile: Members', () => {
  it('changes a member\'s role at once and announces it; one\'s own row is read only and owner is offered to owners only', async () => {
    const p = await orgProfile({ sections: 'members' });
    await p.ready('members');
    const rows = [...p.region('members')!.querySelectorAll('[part~="member"]')];
    expect(rows[0]!.querySelector('select')).toBeNull();
    expect(text(rows[0]!.querySelector('.role-text'))).toBe('Owner');
    const sent = bodiesSentTo(p.client, `/members/${p.id(CY)}`);
    choose(p.input<HTMLSelectElement>(`#member-role-${p.id(CY)}`), 'admin');
    await until(() => p.announced() === `${iso('Cy Okafor')} is now ${iso('Admin')}.`);
    expect(sent).toEqual([{ role: 'admin' }]);
    expect(p.broker.orgs.roleOf(ORG, CY)).toBe('admin');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('shows an admin the owner\'s row read only and the owner role disabled', async () => {
    const p = await orgProfile({ as: BO, sections: 'members' });
    await p.ready('members');
    expect(p.root.querySelector(`#member-role-${p.id(ADA)}`)).toBeNull();
    const owner = p.input<HTMLSelectElement>(`#member-role-${p.id(CY)}`).querySelector<HTMLOptionElement>('option[value="owner"]')!;
    expect(owner.disabled).toBe(true);
  });

  it('puts the role back and says why when the broker refuses the change (forbidden)', async () => {
    const p = await orgProfile({ sections: 'members' });
    await p.ready('members');
    p.broker.failNext.set(`/v1/orgs/${ORG}/members/${p.id(CY)}`, 'forbidden');
    const select = p.input<HTMLSelectElement>(`#member-role-${p.id(CY)}`);
    choose(select, 'admin');
    await until(() => p.alerts('members') === 'Your role in this organization doesn’t allow this.');
    expect(select.value).toBe('member');
    expect(p.errors).toEqual(['forbidden']);
  });

  it('closes a confirmation on Escape, focus back on the button that opened it, nothing removed', async () => {
    const p = await orgProfile({ sections: 'members' });
    await p.ready('members');
    p.button('members', 'Remove Bo Li').click();
    const cancel = await (async () => {
      await until(() => p.region('members')!.querySelector('[data-action="cancel"]'));
      return p.region('members')!.querySelector<HTMLButtonElement>('[data-action="cancel"]')!;
    })();
    cancel.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => p.root.activeElement === p.button('members', 'Remove Bo Li'));
    expect(p.region('members')!.querySelector('[part~="confirm"]')).toBeNull();
    expect(p.broker.orgs.roleOf(ORG, BO)).toBe('admin');
  });

  it('removes a member after a confirmation, then focus stays in the list', async () => {
    const p = await orgProfile({ sections: 'members' });
    await p.ready('members');
    p.button('members', 'Remove Bo Li').click();
    await until(() => p.root.activeElement === p.region('members')!.querySelector('[data-action="cancel"]'));
    expect(text(p.region('members')!.querySelector('[part~="confirm"] p'))).toBe(`Remove ${iso('Bo Li')} from ${iso('Acme')}? They lose access at once.`);
    expect(await axeViolations(p.el)).toEqual([]);
    p.region('members')!.querySelector<HTMLButtonElement>('[data-action="confirm-remove"]')!.click();
    await until(() => p.announced() === `${iso('Bo Li')} was removed from the organization.`);
    expect(p.broker.orgs.roleOf(ORG, BO)).toBeUndefined();
    await until(() => p.root.activeElement === p.root.querySelector(`[data-id="${p.id(CY)}"]`));
  });

  it('marks members out of policy for owners and admins, and reads the next page on "Show more"', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`m${i}@acme.test`, 'member']));
    const p = await orgProfile({ sections: 'members', seed: { members: { ...acme().members, ...many }, policies: { require_mfa: true } } });
    await p.ready('members');
    expect(p.region('members')!.querySelectorAll('[part~="member"]')).toHaveLength(50);
    expect(p.region('members')!.querySelectorAll('[part~="policy-badge"]').length).toBeGreaterThan(0);
    p.region('members')!.querySelector<HTMLButtonElement>('[data-action="more"]')!.click();
    await until(() => p.region('members')!.querySelectorAll('[part~="member"]').length === 55);
    expect(p.region('members')!.querySelector('[data-action="more"]')).toBeNull();
    expect(p.broker.requests.filter((r) => r.startsWith(`GET /v1/orgs/${ORG}/members`))).toHaveLength(2);
  });
});

describe('lk-org-profile: Invitations', () => {
  it('checks the address, sends the invitation with its role, and lists it', async () => {
    const p = await orgProfile({ sections: 'invitations' });
    await p.ready('invitations');
    const email = p.input('#invite-email');
    type(email, 'not an address');
    submit(email.form);
    await until(() => p.described(email) === 'Enter an email address, like name@example.com.');
    expect(p.broker.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    type(email, 'kai@acme.test');
    choose(p.input<HTMLSelectElement>('#invite-role'), 'admin');
    const sent = bodiesSentTo(p.client, `/v1/orgs/${ORG}/invitations`);
    submit(email.form);
    await until(() => p.announced() === `Invitation sent to ${iso('kai@acme.test')}.`);
    expect(sent).toEqual([{ email: 'kai@acme.test', role: 'admin' }]);
    expect(text(p.region('invitations')!.querySelector('[part~="invitation-list"]'))).toContain('kai@acme.test');
    expect(email.value).toBe('');
    expect(p.root.activeElement).toBe(email);
  });

  it('says when the address is already a member (already_member), at the field', async () => {
    const p = await orgProfile({ sections: 'invitations' });
    await p.ready('invitations');
    const email = p.input('#invite-email');
    type(email, CY);
    submit(email.form);
    await until(() => p.described(email) === `${iso(CY)} is already a member of ${iso('Acme')}.`);
    expect(email.getAttribute('aria-invalid')).toBe('true');
    // Focus goes back to the field, whose description says why.
    await until(() => p.root.activeElement === email);
  });

  it('revokes a pending invitation', async () => {
    const p = await orgProfile({ sections: 'invitations', seed: { invitations: [{ email: 'fay@acme.test', role: 'member' }] } });
    await p.ready('invitations');
    p.button('invitations', 'Revoke the invitation to fay@acme.test').click();
    await until(() => p.announced() === `The invitation to ${iso('fay@acme.test')} was revoked.`);
    expect(text(p.region('invitations'))).toContain('No invitations are waiting to be accepted.');
  });

  it('makes an invite link with a limit and an expiry, shows its URL once with Copy, and revokes it', async () => {
    const p = await orgProfile({ sections: 'invitations', broker: { origin: 'https://app.acme.test' } });
    await p.ready('invitations');
    p.region('invitations')!.querySelector<HTMLButtonElement>('[data-action="create-link"]')!.click();
    await until(() => p.root.activeElement === p.root.querySelector('#link-role'));
    const uses = p.input('#link-uses');
    type(uses, '0');
    submit(uses.form);
    await until(() => p.described(uses) === 'Enter a whole number from 1 to 100,000, or leave it empty for no limit.');
    type(uses, '25');
    choose(p.input<HTMLSelectElement>('#link-expiry'), '86400');
    const sent = bodiesSentTo(p.client, `/v1/orgs/${ORG}/invite-links`);
    submit(uses.form);
    await until(() => p.root.activeElement === p.root.querySelector('#new-link-url'));
    expect(sent).toEqual([{ role: 'member', max_uses: 25, expires_in: 86400 }]);
    expect(p.input('#new-link-url').value).toMatch(/^https:\/\/app\.acme\.test\/sign-up\?lk_invite=/);
    expect(p.announced()).toBe('Invite link created. Copy it now: it won’t be shown again.');
    expect(await axeViolations(p.el)).toEqual([]);
    // Shown once: gone after Done, and never in the list.
    p.region('invitations')!.querySelector<HTMLButtonElement>('[data-action="done-link"]')!.click();
    await until(() => !p.root.querySelector('#new-link-url'));
    expect(text(p.region('invitations'))).not.toContain('lk_invite');
    p.region('invitations')!.querySelector<HTMLButtonElement>('[data-action="revoke-link"]')!.click();
    await until(() => p.announced() === 'Invite link revoked.');
    expect(text(p.region('invitations')!.querySelector('[part~="link"]'))).toContain('Revoked');
  });
});

describe('lk-org-profile: Requests to join', () => {
  const seed = { requests: [{ email: 'hal@acme.test', message: 'New on the support team.' }] };

  it('asks for a reason before denying, then records it', async () => {
    const p = await orgProfile({ sections: 'requests', seed });
    await p.ready('requests');
    p.button('requests', 'Deny hal@acme.test').click();
    const reason = await (async () => {
      await until(() => p.root.activeElement?.tagName === 'TEXTAREA');
      return p.root.activeElement as HTMLTextAreaElement;
    })();
    submit(reason.form);
    await until(() => p.described(reason) === 'Say why: the reason is shown to them.');
    expect(await axeViolations(p.el)).toEqual([]);
    type(reason as unknown as HTMLInputElement, 'Support uses the helpdesk.');
    submit(reason.form);
    await until(() => p.announced() === `The request of ${iso('hal@acme.test')} was denied.`);
    expect(text(p.region('requests'))).toContain('Support uses the helpdesk.');
    expect(p.broker.orgs.events.at(-1)).toMatchObject({ type: 'access_request.denied', data: { reason: 'Support uses the helpdesk.' } });
  });

  it('approves with the role chosen', async () => {
    const p = await orgProfile({ sections: 'requests', seed });
    await p.ready('requests');
    choose(p.region('requests')!.querySelector('select')!, 'admin');
    p.button('requests', 'Approve hal@acme.test').click();
    await until(() => p.announced() === `${iso('hal@acme.test')} can now join.`);
    expect(p.broker.orgs.roleOf(ORG, 'hal@acme.test')).toBe('admin');
  });

  it('says so and reads the list again when someone else decided first (already_decided)', async () => {
    const p = await orgProfile({ sections: 'requests', seed });
    await p.ready('requests');
    const id = p.region('requests')!.querySelector<HTMLElement>('[part~="request"]')!.dataset.id!;
    p.broker.failNext.set(`/v1/orgs/${ORG}/access-requests/${id}/approve`, 'already_decided');
    p.button('requests', 'Approve hal@acme.test').click();
    await until(() => p.alerts('requests') === 'Someone else has decided this request already. The list now shows their decision.');
    await until(() => p.broker.requests.filter((r) => r === `GET /v1/orgs/${ORG}/access-requests`).length === 2);
  });
});

describe('lk-org-profile: Roles', () => {
  it('creates a role with the permissions checked, its key made from its name', async () => {
    const p = await orgProfile({ sections: 'roles' });
    await p.ready('roles');
    p.region('roles')!.querySelector<HTMLButtonElement>('[data-action="create-role"]')!.click();
    await until(() => p.root.activeElement === p.root.querySelector('#role-name'));
    // The list gives way to the form while it is open.
    expect(p.region('roles')!.querySelector('[part~="role-list"]')).toBeNull();
    expect(await axeViolations(p.el)).toEqual([]);
    type(p.input('#role-name'), 'Support lead');
    for (const box of p.region('roles')!.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) if (['members:read', 'requests:manage'].includes(box.value)) box.click();
    const sent = bodiesSentTo(p.client, `/v1/orgs/${ORG}/roles`);
    submit(p.input('#role-name').form);
    await until(() => p.announced() === `${iso('Support lead')} created.`);
    expect(sent).toEqual([{ key: 'support-lead', name: 'Support lead', permissions: ['members:read', 'requests:manage'] }]);
    await until(() => p.root.activeElement === p.region('roles')!.querySelector('[data-key="support-lead"] [data-action="edit"]'));
  });

  it('says at the key field when a role of that key exists (role_exists)', async () => {
    const p = await orgProfile({ sections: 'roles' });
    await p.ready('roles');
    p.region('roles')!.querySelector<HTMLButtonElement>('[data-action="create-role"]')!.click();
    await until(() => p.root.querySelector('#role-key'));
    type(p.input('#role-name'), 'Billing two');
    type(p.input('#role-key'), 'billing');
    submit(p.input('#role-name').form);
    await until(() => p.described(p.input('#role-key')) === 'A role with this key exists already.');
  });

  it('refuses to delete a role members still hold (role_in_use)', async () => {
    const p = await orgProfile({ sections: 'roles' });
    await p.ready('roles');
    p.button('roles', 'Delete Billing').click();
    await until(() => p.region('roles')!.querySelector('[data-action="confirm-delete"]'));
    p.region('roles')!.querySelector<HTMLButtonElement>('[data-action="confirm-delete"]')!.click();
    await until(() => p.alerts('roles') === `Members still hold ${iso('Billing')}. Give them another role first.`);
    expect(p.errors).toEqual(['role_in_use']);
  });
});

describe('lk-org-profile: Domains', () => {
  it('adds a domain and shows its TXT record with Copy; refuses a public mail domain', async () => {
    const p = await orgProfile({ sections: 'domains', seed: { domains: [] } });
    await p.ready('domains');
    const domain = p.input('#domain-name');
    type(domain, 'gmail.com');
    submit(domain.form);
    await until(() => p.described(domain) === `${iso('gmail.com')} is a public email provider, so it can’t belong to an organization.`);
    type(domain, 'acme-labs.test');
    submit(domain.form);
    await until(() => p.announced() === `${iso('acme-labs.test')} added. Publish its TXT record, then verify it.`);
    const record = p.region('domains')!.querySelector('[part~="txt-record"]')!;
    expect(text(record)).toContain('_latchkey-verification.acme-labs.test');
    expect([...record.querySelectorAll('button')].map(text)).toEqual(['Copy name', 'Copy value', 'Verify']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('says the record is not there yet (domain_unverified), then verifies and offers who may join', async () => {
    const p = await orgProfile({ sections: 'domains', seed: { domains: [{ domain: 'unverified.acme.test', verification: null }, { domain: 'acme-labs.test', verification: null }] } });
    await p.ready('domains');
    p.button('domains', 'Verify unverified.acme.test').click();
    await until(() => p.alerts('domains') === 'We could not find the record yet. DNS changes can take a while to show: try again in a few minutes.');
    p.button('domains', 'Verify acme-labs.test').click();
    await until(() => p.announced() === `${iso('acme-labs.test')} is verified.`);
    const who = p.input<HTMLSelectElement>('#enrollment-acme-labs_test');
    await until(() => p.root.activeElement === who);
    const sent = bodiesSentTo(p.client, '/domains/acme-labs.test');
    choose(who, 'automatic');
    await until(() => p.announced().startsWith(iso('acme-labs.test')));
    expect(sent).toEqual([{ enrollment: 'automatic' }]);
  });

  it('offers joining at once only for a domain verified by DNS', async () => {
    const p = await orgProfile({ sections: 'domains', seed: { domains: [{ domain: 'acme.test', verification: 'admin' }] } });
    await p.ready('domains');
    const automatic = p.input<HTMLSelectElement>('#enrollment-acme_test').querySelector<HTMLOptionElement>('option[value="automatic"]')!;
    expect(automatic.disabled).toBe(true);
  });
});

describe('lk-org-profile: Security', () => {
  it('saves the policies and counts the members out of policy', async () => {
    const p = await orgProfile({ sections: 'security' });
    await p.ready('security');
    expect(text(p.region('security')!.querySelector('[part~="out-of-policy"]'))).toBe('Every member meets these policies.');
    const sent = bodiesSentTo(p.client, `/v1/orgs/${ORG}/policies`);
    p.region('security')!.querySelector<HTMLInputElement>('input[name=require_mfa]')!.click();
    type(p.input('#grace-days'), '7');
    submit(p.input('#grace-days').form);
    await until(() => p.announced() === 'Security policies saved.');
    expect(sent).toEqual([{ require_mfa: true, require_passkey: false, require_sso: false, grace_days: 7 }]);
    // Nobody but the owner has a second factor yet: the count follows the new policy.
    await until(() => text(p.region('security')!.querySelector('[part~="out-of-policy"]')).startsWith('4 members don’t meet these policies yet.'));
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('checks the grace period, and says why single sign-on cannot be required without a connection (no_connection)', async () => {
    const p = await orgProfile({ sections: 'security' });
    await p.ready('security');
    const grace = p.input('#grace-days');
    type(grace, '120');
    submit(grace.form);
    await until(() => p.described(grace) === 'Enter a number of days from 0 to 90.');
    type(grace, '0');
    p.region('security')!.querySelector<HTMLInputElement>('input[name=require_sso]')!.click();
    submit(grace.form);
    await until(() => p.alerts('security') === 'Single sign-on can’t be required yet: the organization has no single sign-on connection. Set one up first.');
  });

  it('asks to confirm it\'s you before a change long after signing in, then saves it', async () => {
    const p = await orgProfile({ sections: 'security', broker: { signedInAt: Date.now() - 11 * 60_000 } });
    await p.ready('security');
    p.region('security')!.querySelector<HTMLInputElement>('input[name=require_passkey]')!.click();
    submit(p.input('#grace-days').form);
    await until(() => document.querySelector('input[autocomplete~="current-password"]'));
    expect(p.el.matches(':state(step-up)')).toBe(true);
    const password = document.querySelector<HTMLInputElement>('input[autocomplete~="current-password"]')!;
    expect(p.el.contains(password)).toBe(true);
    type(password, PASSWORD);
    password.form!.requestSubmit();
    await until(() => p.announced() === 'Security policies saved.');
    expect(p.el.matches(':state(step-up)')).toBe(false);
  });
});

describe('lk-org-profile: Audit log', () => {
  const events = Array.from({ length: 55 }, (_, i) => ({ type: (i % 2 ? 'member.added' : 'domain.added') as 'member.added' | 'domain.added', actor: { user_id: null, email: ADA }, created_at: new Date(Date.UTC(2026, 10, 1, 12, i)).toISOString() }));

  it('lists events with who, about what and when, filters by type (and the CSV link follows), and pages on', async () => {
    const p = await orgProfile({ sections: 'audit', seed: { events } });
    await p.ready('audit');
    const rows = () => p.region('audit')!.querySelectorAll('tbody tr');
    expect(rows()).toHaveLength(50);
    expect(await axeViolations(p.el)).toEqual([]);
    const csv = p.region('audit')!.querySelector<HTMLAnchorElement>('[part~="export-link"]')!;
    expect(csv.href).toBe(`${p.broker.url}/v1/orgs/${ORG}/audit.csv`);
    p.region('audit')!.querySelector<HTMLButtonElement>('[data-action="more"]')!.click();
    await until(() => rows().length === 55);
    choose(p.input<HTMLSelectElement>('#audit-type'), 'member.added');
    await until(() => rows().length === 27);
    expect(p.broker.requests).toContain(`GET /v1/orgs/${ORG}/audit`);
    expect(csv.href).toBe(`${p.broker.url}/v1/orgs/${ORG}/audit.csv?type=member.added`);
    expect([...rows()].every((r) => text(r).startsWith('Member added'))).toBe(true);
  });
});
