import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import { userEvent } from 'vitest/browser';
import './user-button.js';
import type { LkUserButton } from './user-button.js';
import { axeViolations, cleanup, fakeBroker, mount, until } from '../internal/test-helpers.js';

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
});
