import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import { createClient, switchOrganization, type SessionState } from '@latchkey/client';
import { userEvent } from 'vitest/browser';
import './org-switcher.js';
// The enrolment in place needs lk-mfa on the page, as a host that wants it imports it.
import '../mfa/mfa.js';
import type { LkOrgSwitcher } from './org-switcher.js';
import type { FakeOrgsSeed, FakeBrokerOptions } from '@latchkey/testing';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import type { LkOrgChangedEvent } from '../events/org-changed.js';
import type { LkOrgPolicyUnmetEvent } from '../events/org-policy-unmet.js';

afterEach(cleanup);

const ADA = 'ada@example.com';
/** Text as read, without the isolation marks around names (FSI…PDI). */
const text = (node: Node) => node.textContent!.replace(/[\u2068\u2069]/g, '');
const signedIn: FakeBrokerOptions = { accounts: { [ADA]: 'correct horse battery' }, signedInAs: ADA };
const ACME_AND_GLOBEX: FakeOrgsSeed = {
  organizations: [
    { id: 'org_acme', name: 'Acme', members: { [ADA]: 'owner' } },
    { id: 'org_globex', name: 'Globex', members: { [ADA]: 'member', 'bo@globex.test': 'owner' } },
  ],
};

async function switcher(seed: FakeOrgsSeed = ACME_AND_GLOBEX, options: FakeBrokerOptions = signedIn) {
  const broker = fakeBroker(options);
  broker.orgs.seed(seed);
  const client = broker.client();
  const el = await mount<LkOrgSwitcher>(html`<lk-org-switcher .client=${client}></lk-org-switcher>`, 'lk-org-switcher');
  const root = el.shadowRoot!;
  const button = () => root.querySelector<HTMLButtonElement>('[part~="button"]')!;
  await until(() => !!button() && !el.matches(':state(loading)'));
  const items = () => [...root.querySelectorAll<HTMLElement>('[role^="menuitem"]')];
  const item = (name: string) => {
    const found = items().find((i) => i.textContent!.includes(name));
    if (!found) throw new Error(`no menu entry ${name}`);
    return found;
  };
  const focused = () => root.activeElement as HTMLElement | null;
  const changes: LkOrgChangedEvent['detail'][] = [];
  el.addEventListener('lk-org-changed', (e) => changes.push(e.detail));
  return { broker, client, el, root, button, items, item, focused, changes };
}

describe('lk-org-switcher', () => {
  it('shows the personal account first, and lists it and each organization with the user’s role', async () => {
    const { el, button, items, root } = await switcher();
    expect(button().textContent).toContain('Personal account');
    expect(el.matches(':state(signed-in)')).toBe(true);
    button().click();
    await until(() => items().length === 4);
    expect(root.querySelector('[role="menu"]')!.getAttribute('aria-label')).toBe('Organizations');
    expect(items().map((i) => [i.getAttribute('role'), i.textContent!.replace(/\s+/g, ' ').trim(), i.getAttribute('aria-checked')])).toEqual([
      ['menuitemradio', 'Personal account Only you', 'true'],
      ['menuitemradio', 'A Acme Owner', 'false'],
      ['menuitemradio', 'G Globex Member', 'false'],
      ['menuitem', '+ Create organization', null],
    ]);
  });

  it('moves through the menu with the arrow keys, Home and End, closes on Escape and gives focus back', async () => {
    const { el, button, focused } = await switcher();
    button().focus();
    await userEvent.keyboard('{Enter}');
    await until(() => focused()?.textContent?.includes('Personal account') === true);
    expect(button().getAttribute('aria-expanded')).toBe('true');
    expect(el.matches(':state(open)')).toBe(true);
    await userEvent.keyboard('{ArrowDown}');
    expect(focused()!.textContent).toContain('Acme');
    await userEvent.keyboard('{End}');
    expect(focused()!.textContent).toContain('Create organization');
    await userEvent.keyboard('{ArrowDown}');
    expect(focused()!.textContent).toContain('Personal account');
    await userEvent.keyboard('{ArrowUp}');
    expect(focused()!.textContent).toContain('Create organization');
    await userEvent.keyboard('{Home}');
    expect(focused()!.textContent).toContain('Personal account');
    await userEvent.keyboard('{Escape}');
    await until(() => !el.matches(':state(open)'));
    await until(() => focused() === button());
    expect(button().getAttribute('aria-expanded')).toBe('false');
  });

  it('switches on click, then fires lk-org-changed with the organization and shows it', async () => {
    const { broker, button, item, changes, focused, el } = await switcher();
    button().click();
    await until(() => item('Globex'));
    item('Globex').click();
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ org_id: 'org_globex', organization: { id: 'org_globex', name: 'Globex', role: 'member' } });
    expect(broker.requests).toContain('POST /v1/session/org');
    await until(() => button().textContent!.includes('Globex'));
    expect(button().textContent).toContain('Member');
    await until(() => focused() === button());
    expect(el.matches(':state(open)')).toBe(false);
    // Opening again: Globex is the checked one, and focus lands on it.
    button().focus();
    await userEvent.keyboard('{Enter}');
    await until(() => focused()?.getAttribute('aria-checked') === 'true');
    expect(focused()!.textContent).toContain('Globex');
  });

  it('fires lk-org-changed only once the switch succeeded: a failed one says why and keeps the organization', async () => {
    const { broker, button, item, changes, root } = await switcher();
    broker.failNext.set('/v1/session/org', 'network');
    button().click();
    await until(() => item('Acme'));
    item('Acme').click();
    await until(() => root.querySelector('[role="alert"]')?.textContent?.includes('reach') === true);
    expect(changes).toEqual([]);
    expect(button().textContent).toContain('Personal account');
  });

  it('creates an organization from the menu: a name is required, then it is made, switched into, and announced', async () => {
    const { broker, button, item, root, changes, focused } = await switcher();
    button().click();
    await until(() => item('Create organization'));
    item('Create organization').click();
    const input = () => root.querySelector<HTMLInputElement>('input[name="name"]');
    await until(() => !!input() && focused() === input());
    expect(root.querySelector('[role="dialog"]')!.getAttribute('aria-labelledby')).toBe('panel-title');
    root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => root.querySelector('.field-error')?.textContent === 'Enter a name for the organization.');
    expect(input()!.getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(root.querySelector('[role="dialog"]')!)).toEqual([]);
    type(input()!, 'Initech');
    root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ org_id: expect.any(String), organization: { name: 'Initech', role: 'owner' } });
    expect(broker.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/orgs', 'POST /v1/session/org']);
    await until(() => button().textContent!.includes('Initech'));
    await until(() => focused() === button());
  });

  it('makes a second organization of a name another has (the broker gives it a slug of its own), and switches into it', async () => {
    const { broker, button, item, root, changes } = await switcher();
    button().click();
    await until(() => item('Create organization'));
    item('Create organization').click();
    await until(() => !!root.querySelector('input[name="name"]'));
    type(root.querySelector<HTMLInputElement>('input[name="name"]')!, 'Acme');
    root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => changes.length === 1);
    expect(root.querySelector('.field-error')).toBeNull();
    const created = changes[0]!.organization!;
    expect(created.id).not.toBe(broker.orgs.idOf('Acme'));
    expect(created.slug).toMatch(/^acme-[a-z0-9]+$/);
  });

  it('says what an organization requiring two-step verification asks, and enrols in place when the host lets it', async () => {
    const seed: FakeOrgsSeed = { organizations: [{ id: 'org_acme', name: 'Acme', members: { [ADA]: 'member' }, policies: { require_mfa: true } }] };
    const { broker, button, item, root, changes, el } = await switcher(seed);
    const asked: LkOrgPolicyUnmetEvent['detail'][] = [];
    el.addEventListener('lk-org-policy-unmet', (e) => asked.push(e.detail));
    button().click();
    await until(() => item('Acme'));
    item('Acme').click();
    await until(() => root.querySelector('#panel-title')?.textContent === 'Two-step verification required');
    await until(() => root.activeElement === root.querySelector('#panel-title'));
    expect(el.matches(':state(policy-unmet)')).toBe(true);
    expect(text(root.querySelector('[part~="panel"]')!)).toContain('Acme requires two-step verification. Set up an authenticator app to continue.');
    expect(changes).toEqual([]);
    expect(await axeViolations(root.querySelector('[part~="panel"]')!)).toEqual([]);

    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Set up two-step verification'))!.click();
    await until(() => asked.length === 1);
    expect(asked[0]).toEqual({ requirement: 'mfa-enroll', org_id: 'org_acme' });
    const mfa = () => root.querySelector('lk-mfa');
    await until(() => !!mfa()?.querySelector('input[autocomplete="one-time-code"]'));
    type(mfa()!.querySelector<HTMLInputElement>('input[autocomplete="one-time-code"]')!, broker.appCode(ADA));
    mfa()!.querySelector<HTMLFormElement>('form')!.requestSubmit();
    const next = () => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Continue to'));
    await until(() => !!next());
    next()!.click();
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ org_id: 'org_acme' });
    await until(() => button().textContent!.includes('Acme'));
  });

  it('leaves the requirement to the host when it cancels lk-org-policy-unmet, and says single sign-on in words', async () => {
    const seed: FakeOrgsSeed = { organizations: [{ id: 'org_acme', name: 'Acme', members: { [ADA]: 'member' }, connection: true, policies: { require_sso: true } }] };
    const { button, item, root, el, focused } = await switcher(seed);
    el.addEventListener('lk-org-policy-unmet', (e) => e.preventDefault());
    button().click();
    await until(() => item('Acme'));
    item('Acme').click();
    await until(() => root.querySelector('#panel-title')?.textContent === 'Single sign-on required');
    expect(text(root.querySelector('[part~="panel"]')!)).toContain('Acme requires you to sign in through its single sign-on.');
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Continue with single sign-on'))!.click();
    await until(() => !el.matches(':state(open)'));
    expect(root.querySelector('lk-mfa')).toBeNull();
    await until(() => focused() === button());
  });

  it('goes back from a panel to the menu, and Escape in a panel closes it', async () => {
    const seed: FakeOrgsSeed = { organizations: [{ id: 'org_acme', name: 'Acme', members: { [ADA]: 'member' }, policies: { require_passkey: true } }] };
    const { button, item, root, el, focused } = await switcher(seed);
    button().click();
    await until(() => item('Acme'));
    item('Acme').click();
    await until(() => root.querySelector('#panel-title')?.textContent === 'Passkey required');
    [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Back to organizations'))!.click();
    await until(() => focused()?.getAttribute('role') === 'menuitemradio');
    item('Acme').click();
    await until(() => !!root.querySelector('#panel-title'));
    await until(() => root.activeElement === root.querySelector('#panel-title'));
    await userEvent.keyboard('{Escape}');
    await until(() => !el.matches(':state(open)'));
    await until(() => focused() === button());
  });

  it('says when the user is in no organization and the host allows no personal account', async () => {
    const { el, button, items } = await switcher({ personalAllowed: false, createAllowed: false });
    expect(el.matches(':state(empty)')).toBe(true);
    expect(button().textContent).toContain('No organization');
    button().click();
    await until(() => items().length === 1);
    expect(items()[0]!.textContent).toContain('You’re not in an organization yet.');
    expect(items()[0]!.getAttribute('aria-disabled')).toBe('true');
  });

  it('says when the organizations cannot be read, and "Try again" reads them', async () => {
    const broker = fakeBroker(signedIn);
    broker.orgs.seed(ACME_AND_GLOBEX);
    broker.failNext.set('/v1/orgs', 'network');
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const el = await mount<LkOrgSwitcher>(html`<lk-org-switcher .client=${broker.client()}></lk-org-switcher>`, 'lk-org-switcher');
    await until(() => !!el.shadowRoot!.querySelector('[role="alert"]'));
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).toBe("Couldn't load your organizations.");
    expect(el.matches(':state(error)')).toBe(true);
    expect(errors).toEqual(['network_error']);
    expect(await axeViolations(el)).toEqual([]);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
    await until(() => el.shadowRoot!.querySelector('[part~="button"]')?.textContent?.includes('Personal account') === true);
  });

  it('shows the page’s own content while nobody is signed in', async () => {
    const broker = fakeBroker();
    const el = await mount<LkOrgSwitcher>(html`<lk-org-switcher .client=${broker.client()}><a slot="signed-out" href="/sign-in">Sign in</a></lk-org-switcher>`, 'lk-org-switcher');
    await until(() => !!el.shadowRoot!.querySelector('slot[name="signed-out"]'));
    expect(broker.requests).not.toContain('GET /v1/orgs');
  });

  describe('organizations you can join', () => {
    const request = (domain = 'example.com') => [{ domain, enrollment: 'request' as const }];
    const JOINABLE: FakeOrgsSeed = {
      organizations: [
        { id: 'org_acme', name: 'Acme', members: { [ADA]: 'owner' } },
        { id: 'org_hooli', name: 'Hooli', members: { 'gavin@hooli.test': 'owner' }, domains: [{ domain: 'example.com', enrollment: 'automatic' }] },
        { id: 'org_initrode', name: 'Initrode', members: { 'bill@initrode.test': 'owner' }, domains: request() },
        { id: 'org_piper', name: 'Pied Piper', members: { 'rh@piper.test': 'owner' }, domains: request(), requests: [{ email: ADA }] },
        { id: 'org_umbrella', name: 'Umbrella', members: { 'al@umbrella.test': 'owner' }, domains: request(), requests: [{ email: ADA, status: 'denied', reason: 'Contractors use the partner portal.' }] },
        // Another domain than Ada's: not hers to join.
        { id: 'org_other', name: 'Vandelay', members: { 'art@vandelay.test': 'owner' }, domains: request('vandelay.test') },
      ],
    };
    const opened = async () => {
      const s = await switcher(JOINABLE);
      s.button().click();
      await until(() => s.items().length === 7);
      const group = () => s.root.querySelector<HTMLElement>('[role="group"]')!;
      return { ...s, group, label: (name: string) => text(s.item(name)).replace(/\s+/g, ' ').trim() };
    };

    it('lists them below the user’s organizations, in a labelled group the arrow keys reach, and passes axe', async () => {
      const { el, root, items, group, label, broker, focused } = await opened();
      expect(broker.requests).toContain('GET /v1/orgs/joinable');
      expect(root.querySelector(`#${group().getAttribute('aria-labelledby')}`)!.textContent).toBe('Organizations you can join');
      expect([...group().querySelectorAll('[role="menuitem"]')].map((i) => text(i).replace(/\s+/g, ' ').trim())).toEqual([
        'H Hooli example.com Join',
        'I Initrode example.com Ask to join',
        'P Pied Piper example.com Request pending',
        'U Umbrella example.com Request denied: Contractors use the partner portal. Ask again',
      ]);
      expect(items().at(-1)!.textContent).toContain('Create organization');
      expect(label('Pied Piper')).toContain('Request pending');
      expect(items().find((i) => i.textContent!.includes('Pied Piper'))!.getAttribute('aria-disabled')).toBe('true');
      expect(items().find((i) => i.textContent!.includes('Hooli'))!.getAttribute('aria-disabled')).toBeNull();
      // The denial's reason is text the requester sees, not only a name for screen readers.
      const reason = group().querySelector<HTMLElement>('.denied')!;
      expect(reason.checkVisibility()).toBe(true);
      expect(reason.getBoundingClientRect().height).toBeGreaterThan(0);
      await userEvent.keyboard('{Home}');
      await userEvent.keyboard('{ArrowDown}{ArrowDown}');
      expect(focused()!.textContent).toContain('Hooli');
      await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
      expect(focused()!.textContent).toContain('Umbrella');
      await userEvent.keyboard('{ArrowDown}');
      expect(focused()!.textContent).toContain('Create organization');
      expect(await axeViolations(el)).toEqual([]);
    });

    it('joins an organization with automatic enrolment, then switches the tab into it', async () => {
      const { broker, item, changes, button, focused, root, items } = await opened();
      item('Hooli').click();
      await until(() => changes.length === 1);
      expect(changes[0]).toMatchObject({ org_id: 'org_hooli', organization: { id: 'org_hooli', name: 'Hooli', role: 'member' } });
      expect(broker.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/orgs/org_hooli/join', 'POST /v1/session/org']);
      await until(() => button().textContent!.includes('Hooli'));
      await until(() => focused() === button());
      // Opening again: Hooli is one of the user's organizations now, no longer one to join.
      button().click();
      await until(() => broker.requests.filter((r) => r === 'GET /v1/orgs/joinable').length === 2 && items().length === 7);
      expect(items().find((i) => i.textContent!.includes('Hooli'))!.getAttribute('role')).toBe('menuitemradio');
      expect(root.querySelector('[role="group"]')!.textContent).not.toContain('Hooli');
    });

    it('asks to join: sends the request once, then says "Request sent" and announces it', async () => {
      const { broker, item, root, changes } = await opened();
      item('Initrode').click();
      await until(() => item('Initrode').textContent!.includes('Request sent'));
      expect(item('Initrode').getAttribute('aria-disabled')).toBe('true');
      expect(text(root.querySelector('[role="status"]')!)).toBe('Request sent to Initrode.');
      item('Initrode').click();
      await new Promise((r) => setTimeout(r, 50));
      expect(broker.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/orgs/org_initrode/access-requests']);
      expect(changes).toEqual([]);
    });

    it('sends nothing for a pending request', async () => {
      const { broker, item } = await opened();
      item('Pied Piper').click();
      await new Promise((r) => setTimeout(r, 50));
      expect(broker.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    });

    it('asks again after a denial', async () => {
      const { broker, item } = await opened();
      item('Umbrella').click();
      await until(() => item('Umbrella').textContent!.includes('Request sent'));
      expect(item('Umbrella').textContent).not.toContain('Request denied');
      expect(broker.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/orgs/org_umbrella/access-requests']);
    });

    it('says why a request failed, and keeps the entry', async () => {
      const { broker, item, root } = await opened();
      broker.failNext.set('/v1/orgs/org_initrode/access-requests', 'network');
      item('Initrode').click();
      await until(() => root.querySelector('[role="alert"]')?.textContent?.includes('reach') === true);
      expect(item('Initrode').textContent).toContain('Ask to join');
    });

    it('shows no group when there is nothing to join, and none when the list cannot be read', async () => {
      const broker = fakeBroker(signedIn);
      broker.orgs.seed(JOINABLE);
      broker.failNext.set('/v1/orgs/joinable', 'network');
      const el = await mount<LkOrgSwitcher>(html`<lk-org-switcher .client=${broker.client()}></lk-org-switcher>`, 'lk-org-switcher');
      const root = el.shadowRoot!;
      await until(() => !!root.querySelector('[part~="button"]') && !el.matches(':state(loading)'));
      root.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
      await until(() => broker.requests.includes('GET /v1/orgs/joinable') && root.querySelectorAll('[role="menuitemradio"]').length === 2);
      await new Promise((r) => setTimeout(r, 50));
      expect(root.querySelector('[role="group"]')).toBeNull();
    });
  });

  it('passes axe with the menu open', async () => {
    const { el, button, items } = await switcher();
    button().click();
    await until(() => items().length === 4);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('works on a store that keeps the tab\'s organization by id and answers the switch (the client\'s own store)', async () => {
    const broker = fakeBroker(signedIn);
    broker.orgs.seed(ACME_AND_GLOBEX);
    const base = createClient({ url: broker.url, fetch: broker.fetch });
    let organization: string | null | undefined;
    const listeners = new Set<(state: SessionState) => void>();
    const session = {
      get state() {
        return base.session.state;
      },
      subscribe(listener: (state: SessionState) => void) {
        listeners.add(listener);
        const stop = base.session.subscribe(listener);
        return () => (listeners.delete(listener), stop());
      },
      refresh: base.session.refresh,
      set: base.session.set,
      getToken: base.session.getToken,
      get organization() {
        return organization;
      },
      async switchOrganization(orgId: string | null) {
        const answer = await switchOrganization(base.connection, { org_id: orgId });
        organization = orgId;
        for (const listener of listeners) listener(session.state);
        return answer;
      },
    };
    const el = await mount<LkOrgSwitcher>(html`<lk-org-switcher .client=${{ connection: base.connection, session }}></lk-org-switcher>`, 'lk-org-switcher');
    const root = el.shadowRoot!;
    await until(() => !!root.querySelector('[part~="button"]') && !el.matches(':state(loading)'));
    const changes: LkOrgChangedEvent['detail'][] = [];
    el.addEventListener('lk-org-changed', (e) => changes.push(e.detail));
    root.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
    await until(() => root.querySelectorAll('[role="menuitemradio"]').length === 3);
    root.querySelectorAll<HTMLElement>('[role="menuitemradio"]')[2]!.click();
    await until(() => changes.length === 1);
    expect(changes[0]).toMatchObject({ org_id: 'org_globex', organization: { id: 'org_globex', name: 'Globex' } });
    expect(organization).toBe('org_globex');
    await until(() => root.querySelector('[part~="button"]')!.textContent!.includes('Globex'));
  });
});
