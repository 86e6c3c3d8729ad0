import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import { userEvent } from 'vitest/browser';
import './user-button.js';
import type { LkUserButton } from './user-button.js';
import { axeViolations, cleanup, fakeBroker, mount, until } from '../internal/test-helpers.js';
import '../org-switcher/org-switcher.js';
import type { LkOrgChangedEvent } from '../events/org-changed.js';

afterEach(cleanup);

async function userButton() {
  const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery' }, signedInAs: 'ada@example.com' });
  const el = await mount<LkUserButton>(html`<lk-user-button .client=${broker.client()}></lk-user-button>`, 'lk-user-button');
  await until(() => el.shadowRoot!.querySelector('[part~="button"]'));
  const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
  const menu = () => el.shadowRoot!.querySelector('[role="menu"]');
  return { broker, el, button, menu };
}

describe('lk-user-button', () => {
  it('shows who is signed in', async () => {
    const { button } = await userButton();
    expect(button.textContent).toContain('ada@example.com');
    expect(button.querySelector('[part~="avatar"]')!.textContent).toBe('A');
  });

  it('opens its menu from the keyboard, closes on Escape and gives focus back', async () => {
    const { el, button, menu } = await userButton();
    button.focus();
    await userEvent.keyboard('{Enter}');
    await until(() => menu());
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(el.shadowRoot!.activeElement!.getAttribute('role')).toBe('menuitem');
    expect(el.shadowRoot!.activeElement!.textContent!.trim()).toBe('Sign out');
    await userEvent.keyboard('{Escape}');
    await until(() => !menu());
    await until(() => el.shadowRoot!.activeElement === button);
  });

  it('signs out: lk-sign-out first, then lk-signed-out, and the broker session is gone', async () => {
    const { el, button, broker } = await userButton();
    const order: string[] = [];
    el.addEventListener('lk-sign-out', () => order.push('lk-sign-out'));
    el.addEventListener('lk-signed-out', () => order.push('lk-signed-out'));
    button.click();
    await until(() => el.shadowRoot!.querySelector('[role="menuitem"]'));
    el.shadowRoot!.querySelector<HTMLElement>('[role="menuitem"]')!.click();
    await until(() => order.length === 2);
    expect(order).toEqual(['lk-sign-out', 'lk-signed-out']);
    expect(broker.requests).toContain('POST /v1/sign-out');
    await until(() => !el.shadowRoot!.querySelector('[part~="button"]'));
  });

  it('stays signed in when a listener cancels lk-sign-out', async () => {
    const { el, button, broker } = await userButton();
    el.addEventListener('lk-sign-out', (e) => e.preventDefault());
    button.click();
    await until(() => el.shadowRoot!.querySelector('[role="menuitem"]'));
    el.shadowRoot!.querySelector<HTMLElement>('[role="menuitem"]')!.click();
    await el.updateComplete;
    expect(broker.requests).not.toContain('POST /v1/sign-out');
    expect(el.shadowRoot!.querySelector('[part~="button"]')).not.toBeNull();
  });

  it('drops its placeholder and reports lk-error when the broker cannot be reached', async () => {
    const broker = fakeBroker();
    broker.failNext.set('/v1/session', 'network');
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const el = await mount<LkUserButton>(html`<lk-user-button .client=${broker.client()}></lk-user-button>`, 'lk-user-button');
    await until(() => errors.length === 1);
    expect(errors).toEqual(['network_error']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.skeleton')).toBeNull();
  });

  it('drops its placeholder, reports not_configured and tells the developer once, when no broker is configured', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const el = await mount<LkUserButton>(html`<lk-user-button></lk-user-button>`, 'lk-user-button');
    await until(() => errors.length === 1);
    expect(errors).toEqual(['not_configured']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.skeleton')).toBeNull();
    expect(logged.mock.calls).toEqual([['[latchkey] lk-user-button: no broker configured: set the broker attribute, wrap it in <lk-config>, or call configure()']]);
    // A client that arrives later is still picked up.
    el.client = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery' }, signedInAs: 'ada@example.com' }).client();
    await until(() => el.shadowRoot!.querySelector('[part~="button"]'));
    logged.mockRestore();
  });

  it('passes axe with the menu open', async () => {
    const { el, button, menu } = await userButton();
    button.click();
    await until(() => menu());
    expect(await axeViolations(el)).toEqual([]);
  });

  it('says when the broker cannot be reached, with "Try again", instead of showing nothing', async () => {
    const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery' }, signedInAs: 'ada@example.com' });
    broker.failNext.set('/v1/session', 'network');
    const el = await mount<LkUserButton>(html`<lk-user-button .client=${broker.client()}></lk-user-button>`, 'lk-user-button');
    await until(() => el.shadowRoot!.querySelector('[role="alert"]'));
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).toBe("Can't reach sign-in.");
    expect(el.matches(':state(error)')).toBe(true);
    expect(await axeViolations(el)).toEqual([]);
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
    expect(retry.textContent!.trim()).toBe('Try again');
    retry.click();
    await until(() => el.shadowRoot!.querySelector('[part~="avatar"]'));
    expect(el.matches(':state(signed-in)')).toBe(true);
  });

  it('has room for more entries: "Manage account" and the page\'s own, all reached with the arrow keys', async () => {
    const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery' }, signedInAs: 'ada@example.com' });
    const el = await mount<LkUserButton>(
      html`<lk-user-button .client=${broker.client()} account-url="/account"><a slot="menu" role="menuitem" href="/orgs">Organizations</a></lk-user-button>`,
      'lk-user-button',
    );
    await until(() => el.shadowRoot!.querySelector('[part~="button"]'));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.focus();
    await userEvent.keyboard('{Enter}');
    const focused = () => (el.shadowRoot!.activeElement ?? document.activeElement)!.textContent!.trim();
    await until(() => focused() === 'Manage account');
    expect(el.shadowRoot!.querySelector('a[role="menuitem"]')!.getAttribute('href')).toBe('/account');
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement!.textContent).toBe('Organizations');
    await userEvent.keyboard('{ArrowDown}');
    expect(focused()).toBe('Sign out');
    await userEvent.keyboard('{ArrowDown}');
    expect(focused()).toBe('Manage account');
    await userEvent.keyboard('{ArrowUp}');
    expect(focused()).toBe('Sign out');
    expect(await axeViolations(el)).toEqual([]);
  });

  describe('organizations', () => {
    const ADA = 'ada@example.com';
    async function withOrgs(seed: Parameters<ReturnType<typeof fakeBroker>['orgs']['seed']>[0], attributes = '') {
      const broker = fakeBroker({ accounts: { [ADA]: 'correct horse battery' }, signedInAs: ADA });
      broker.orgs.seed(seed);
      const client = broker.client();
      const el = await mount<LkUserButton>(
        attributes ? html`<lk-user-button .client=${client} no-organizations></lk-user-button>` : html`<lk-user-button .client=${client}></lk-user-button>`,
        'lk-user-button',
      );
      await until(() => !!el.shadowRoot!.querySelector('[part~="button"]'));
      const root = el.shadowRoot!;
      const button = root.querySelector<HTMLButtonElement>('[part~="button"]')!;
      const radios = () => [...root.querySelectorAll<HTMLElement>('[role="menuitemradio"]')];
      const changes: LkOrgChangedEvent['detail'][] = [];
      el.addEventListener('lk-org-changed', (e) => changes.push(e.detail));
      return { broker, client, el, root, button, radios, changes };
    }
    const ACME = { organizations: [{ id: 'org_acme', name: 'Acme', members: { [ADA]: 'admin' } }] };

    it('lists the organizations in the menu, in their own group, and switches from there', async () => {
      const { root, button, radios, changes, broker } = await withOrgs(ACME);
      button.click();
      await until(() => radios().length === 2);
      const group = root.querySelector('[role="group"]')!;
      expect(group.getAttribute('aria-labelledby')).toBe('orgs-label');
      expect(root.getElementById('orgs-label')!.textContent).toBe('Organizations');
      expect(radios().map((r) => [r.textContent!.replace(/\s+/g, ' ').trim(), r.getAttribute('aria-checked')])).toEqual([
        ['Personal account Only you', 'true'],
        ['A Acme Admin', 'false'],
      ]);
      expect(await axeViolations(root.querySelector('[role="menu"]')!)).toEqual([]);
      radios()[1]!.click();
      await until(() => changes.length === 1);
      expect(changes[0]).toMatchObject({ org_id: 'org_acme', organization: { name: 'Acme', role: 'admin' } });
      expect(broker.requests).toContain('POST /v1/session/org');
      await until(() => !root.querySelector('[role="menu"]'));
      await until(() => root.activeElement === button);
    });

    it('shows no organizations for a user in none, and reads none with no-organizations', async () => {
      const none = await withOrgs({});
      none.button.click();
      await until(() => none.broker.requests.includes('GET /v1/orgs'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(none.radios()).toEqual([]);
      expect(none.root.querySelector('[role="group"]')).toBeNull();
      cleanup();
      const off = await withOrgs(ACME, 'no-organizations');
      off.button.click();
      await until(() => !!off.root.querySelector('[role="menu"]'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(off.broker.requests).not.toContain('GET /v1/orgs');
      expect(off.radios()).toEqual([]);
    });

    it('says what an organization’s policy requires in place of the menu, and goes back', async () => {
      const { root, button, radios, changes, el } = await withOrgs({ organizations: [{ id: 'org_acme', name: 'Acme', members: { [ADA]: 'member' }, policies: { require_passkey: true } }] });
      button.click();
      await until(() => radios().length === 2);
      radios()[1]!.click();
      await until(() => root.querySelector('#panel-title')?.textContent === 'Passkey required');
      await until(() => root.activeElement === root.querySelector('#panel-title'));
      expect(root.querySelector('[role="dialog"]')!.textContent!.replace(/[\u2068\u2069]/g, '')).toContain('Acme requires you to sign in with a passkey.');
      expect(changes).toEqual([]);
      expect(await axeViolations(el)).toEqual([]);
      const asked: unknown[] = [];
      el.addEventListener('lk-org-policy-unmet', (e) => asked.push(e.detail));
      [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Back to organizations'))!.click();
      await until(() => radios().length === 2);
      radios()[1]!.click();
      await until(() => !!root.querySelector('#panel-title'));
      [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.includes('Use a passkey'))!.click();
      await until(() => asked.length === 1);
      expect(asked[0]).toEqual({ requirement: 'passkey', org_id: 'org_acme' });
      await until(() => !root.querySelector('[role="dialog"]'));
      await until(() => root.activeElement === button);
    });

    it('follows a switch made by lk-org-switcher on the same page', async () => {
      const { client, button, radios, broker } = await withOrgs(ACME);
      const switcher = await mount<HTMLElement>(html`<lk-org-switcher .client=${client}></lk-org-switcher>`, 'lk-org-switcher');
      await until(() => !!switcher.shadowRoot!.querySelector('[part~="button"]') && broker.requests.includes('GET /v1/orgs'));
      switcher.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
      await until(() => [...switcher.shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitemradio"]')].length === 2);
      switcher.shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitemradio"]')[1]!.click();
      await until(() => switcher.shadowRoot!.querySelector('[part~="button"]')!.textContent!.includes('Acme'));
      button.click();
      await until(() => radios().length === 2);
      expect(radios().map((r) => r.getAttribute('aria-checked'))).toEqual(['false', 'true']);
    });
  });
});
