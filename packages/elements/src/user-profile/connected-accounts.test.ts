import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import { userEvent } from 'vitest/browser';
import { connectAccount, type IdpErrorReason } from '@latchkey/client';
import './user-profile.js';
import type { LkUserProfile } from './user-profile.js';
import { setLocale } from '../internal/localization.js';
import { axeViolations, cleanup, fakeBroker, mount, until } from '../internal/test-helpers.js';
import type { FakeBroker, FakeBrokerOptions } from '@latchkey/testing';

const ADA = 'ada@example.com';
const CY = 'cy@devhub.test';
const PASSWORD = 'correct horse battery staple';
const GOOGLE = { id: 'google', name: 'Google', icon: 'google' } as const;
const DEVHUB = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;

// The page's own address, put back after each test that pretends to come back from a provider.
let page: string;
beforeEach(() => {
  page = location.href;
});
afterEach(async () => {
  cleanup();
  history.replaceState(history.state, '', page);
  await setLocale(null);
});

/** lk-user-profile on the fake broker, Ada signed in with a password, navigation to providers caught in `went`. */
async function profile(options: FakeBrokerOptions = {}, broker: FakeBroker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], ...options })) {
  const went: string[] = [];
  const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()} .navigate=${(url: string) => went.push(url)}></lk-user-profile>`, 'lk-user-profile');
  const root = el.shadowRoot!;
  const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const section = () => root.querySelector<HTMLElement>('[aria-labelledby="accounts-title"]')!;
  return {
    broker,
    el,
    root,
    went,
    section,
    rows: () => [...section().querySelectorAll('[part~="account"]')].map((r) => text(r.querySelector('.details'))),
    connectButtons: () => [...section().querySelectorAll<HTMLButtonElement>('[part~="connect-button"]')],
    button: (action: string) => section().querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!,
    alert: () => [...section().querySelectorAll('[role="alert"]')].map(text).filter(Boolean).join(' '),
    status: () => text(section().querySelector('.hint')),
    announced: () => text(root.querySelector('[aria-live="polite"]')),
    focused: () => root.activeElement,
  };
}

/** Waits until the section has its list (and its connect buttons). */
const listed = (p: Awaited<ReturnType<typeof profile>>) => until(() => p.rows().length > 0 || p.connectButtons().length > 0);

/** Starts a connect on `broker` as the element would, plays the provider's answer, and puts the page where the broker sends it back. */
async function comeBackFromDevHub(broker: FakeBroker, outcome: 'done' | IdpErrorReason) {
  const resume = new URL(location.href);
  resume.searchParams.set('tab', 'security');
  await connectAccount(broker.client().connection, { provider: 'devhub', resume_url: resume.href });
  history.replaceState(history.state, '', broker.returnFromIdp(outcome, 'ada@devhub.test'));
}

describe('lk-user-profile: connected accounts', () => {
  it('lists each account with its provider, the email it asserted and when it was connected; axe clean', async () => {
    const p = await profile({ social: [DEVHUB, GOOGLE], identities: { [ADA]: [{ provider: 'devhub', email: 'ada@devhub.test', createdAt: '2026-10-01T12:00:00Z' }] } });
    await listed(p);
    expect(p.section().querySelector('h3')!.textContent).toBe('Connected accounts');
    expect(p.rows()).toEqual(['DevHub ada@devhub.test · Connected Oct 1, 2026']);
    expect(p.section().querySelector('[part~="account"] svg.provider-icon')).not.toBeNull();
    // "Disconnect DevHub": the visible word first, then which account (WCAG 2.5.3).
    const disconnect = p.button('disconnect');
    const name = disconnect.getAttribute('aria-labelledby')!.split(' ').map((id) => p.root.getElementById(id)!.textContent!.trim());
    expect(name).toEqual(['Disconnect', 'DevHub']);
    expect(p.connectButtons().map((b) => b.textContent!.trim())).toEqual(['Connect Google']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('with none connected: a Connect button per provider, and the list is not an empty box', async () => {
    const p = await profile({ social: [DEVHUB, GOOGLE] });
    await listed(p);
    expect(p.rows()).toEqual([]);
    expect(p.connectButtons().map((b) => b.textContent!.trim())).toEqual(['Connect DevHub', 'Connect Google']);
    expect(p.broker.requests).toContain('GET /v1/identities');
    expect(p.broker.requests).not.toContain('GET /v1/sign-in/flow');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('connect: asks the broker with this page as resume_url, says where it is going, and sends the page to the provider', async () => {
    const p = await profile({ latency: 30 });
    await listed(p);
    p.connectButtons()[0]!.click();
    await until(() => p.status() === 'Taking you to DevHub…');
    expect(p.el.matches(':state(connecting-account)')).toBe(true);
    expect(p.connectButtons()[0]!.getAttribute('aria-disabled')).toBe('true');
    // A second click while leaving asks nothing more.
    p.connectButtons()[0]!.click();
    await until(() => p.went.length === 1);
    expect(p.went[0]).toMatch(/^https:\/\/idp\.fake\.test\/authorize\?client_id=devhub/);
    expect(p.broker.requests.filter((r) => r === 'POST /v1/identities/connect')).toHaveLength(1);
    expect(p.broker.pendingConnect?.resumeUrl).toBe(location.href);
    // Still on the way out: the page is unloading.
    expect(p.status()).toBe('Taking you to DevHub…');
  });

  it('connect failing at the broker: says why, and the button works again', async () => {
    const p = await profile();
    await listed(p);
    p.broker.failNext.set('/v1/identities/connect', 'network');
    p.connectButtons()[0]!.click();
    await until(() => p.alert() === "We can't reach the sign-in service. Check your connection and try again.");
    expect(p.went).toEqual([]);
    expect(p.el.matches(':state(connecting-account)')).toBe(false);
    expect(p.connectButtons()[0]!.getAttribute('aria-disabled')).toBe('false');
  });

  it('back from DevHub signed in: lk_resume leaves the address (the rest stays), the flow is asked once, "DevHub connected." is announced and listed', async () => {
    const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], clock: () => Date.parse('2026-12-01T12:00:00Z') });
    await comeBackFromDevHub(broker, 'done');
    expect(new URL(location.href).searchParams.get('lk_resume')).toBe('1');
    const p = await profile({}, broker);
    await until(() => p.rows().length === 1);
    expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
    expect(new URL(location.href).searchParams.get('tab')).toBe('security');
    expect(p.rows()).toEqual(['DevHub ada@devhub.test · Connected Dec 1, 2026']);
    await until(() => p.announced() === 'DevHub connected.');
    expect(p.connectButtons()).toEqual([]);
    expect(broker.requests.filter((r) => r === 'GET /v1/sign-in/flow' || r === 'GET /v1/identities').slice(-2)).toEqual(['GET /v1/sign-in/flow', 'GET /v1/identities']);
    expect(p.alert()).toBe('');
  });

  const reasons: Array<[IdpErrorReason, string]> = [
    ['access_denied', "DevHub wasn't connected: access was declined."],
    ['idp_unreachable', "DevHub didn't answer. Try again later."],
    ['not_linkable', "This DevHub account is already linked to another account, or can't be linked."],
    ['idp_error', "DevHub couldn't be connected. Try again."],
  ];
  it.each(reasons)('back from DevHub with %s: says why, nothing is connected, and Connect is there to try again', async (reason, said) => {
    const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB] });
    await comeBackFromDevHub(broker, reason);
    const p = await profile({}, broker);
    await until(() => p.alert() === said);
    expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
    expect(p.rows()).toEqual([]);
    expect(p.connectButtons().map((b) => b.textContent!.trim())).toEqual(['Connect DevHub']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('lk_resume with no flow left (a reload): nothing to say, the list as it is', async () => {
    history.replaceState(history.state, '', `${location.pathname}?lk_resume=1`);
    const p = await profile();
    await listed(p);
    expect(p.broker.requests).toContain('GET /v1/sign-in/flow');
    expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
    expect(p.alert()).toBe('');
    expect(p.announced()).toBe('');
  });

  it('disconnect asks first; Escape keeps it and gives focus back; the yes removes it, says so, and offers to connect again', async () => {
    const p = await profile({ identities: { [ADA]: [{ provider: 'devhub', email: 'ada@devhub.test' }] } });
    await listed(p);
    p.button('disconnect').click();
    await until(() => p.focused() === p.button('cancel-disconnect'));
    const confirm = p.section().querySelector('[part~="confirm"]')!;
    expect(confirm.getAttribute('role')).toBe('group');
    expect(confirm.textContent!.replace(/\s+/g, ' ')).toContain('Disconnect \u2068DevHub\u2069?');
    expect(await axeViolations(p.el)).toEqual([]);
    await userEvent.keyboard('{Escape}');
    await until(() => p.focused() === p.button('disconnect'));
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE'))).toEqual([]);

    p.button('disconnect').click();
    await until(() => p.button('confirm-disconnect'));
    p.button('confirm-disconnect').click();
    await until(() => p.rows().length === 0);
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE')).at(-1)).toBe('DELETE /v1/identities/idn_1');
    await until(() => p.announced() === 'DevHub disconnected.');
    expect(p.connectButtons().map((b) => b.textContent!.trim())).toEqual(['Connect DevHub']);
    await until(() => p.focused() === p.connectButtons()[0]);
  });

  it('refuses, and says so, to disconnect the last way in; the account stays and only Cancel is left', async () => {
    const p = await profile({}, fakeBroker({ accounts: { [CY]: null }, identities: { [CY]: [{ provider: 'devhub', email: CY }] }, signedInAs: CY, social: [DEVHUB] }));
    await listed(p);
    p.button('disconnect').click();
    await until(() => p.button('confirm-disconnect'));
    p.button('confirm-disconnect').click();
    await until(() => p.alert() === "That's the only way left to sign in to your account, so it can't be removed.");
    expect(p.button('confirm-disconnect')).toBeNull();
    expect(p.rows()).toHaveLength(1);
    await until(() => p.focused() === p.button('cancel-disconnect'));
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('German and Arabic', async () => {
    await setLocale('de');
    const p = await profile({ identities: { [ADA]: [{ provider: 'devhub', email: 'ada@devhub.test', createdAt: '2026-10-01T12:00:00Z' }] }, social: [DEVHUB, GOOGLE] });
    await listed(p);
    expect(p.section().querySelector('h3')!.textContent).toBe('Verbundene Konten');
    expect(p.rows()).toEqual(['DevHub ada@devhub.test · Verbunden am 01.10.2026']);
    expect(p.connectButtons()[0]!.textContent!.trim()).toBe('Google verbinden');
    await setLocale('ar');
    await until(() => p.section().querySelector('h3')!.textContent === 'الحسابات المرتبطة');
    expect(p.connectButtons()[0]!.textContent!.trim()).toBe('ربط Google');
  });
});
