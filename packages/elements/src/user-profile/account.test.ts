import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './user-profile.js';
import type { LkUserProfile } from './user-profile.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import type { FakeBroker, FakeBrokerOptions } from '@latchkey/testing';

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const NOW = Date.parse('2026-12-01T12:00:00Z');

afterEach(cleanup);

async function profile(options: FakeBrokerOptions = {}) {
  const broker: FakeBroker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA, clock: () => NOW, ...options });
  const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}></lk-user-profile>`, 'lk-user-profile');
  const root = el.shadowRoot!;
  const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const section = (id: string) => root.querySelector<HTMLElement>(`[aria-labelledby="${id}-title"]`);
  return {
    broker,
    el,
    root,
    section,
    text,
    button: (action: string) => root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`),
    alerts: (id: string) => [...(section(id)?.querySelectorAll('[role="alert"]') ?? [])].map(text).filter(Boolean).join(' '),
    announced: () => text(root.querySelector('[aria-live="polite"]')),
    /** The light-DOM form's field named `name` (password managers find it there). */
    field: (name: string) => el.querySelector<HTMLInputElement>(`input[name="${name}"]`),
    fieldError: (name: string) => text(el.querySelector(`#${el.querySelector(`input[name="${name}"]`)?.id}-error`)),
  };
}

describe('lk-user-profile: active sessions', () => {
  const others = { [ADA]: [{ browser: 'Firefox', device: 'Windows', ip: '198.51.100.7', lastSeenAt: '2026-11-30T09:15:00Z' }, { browser: 'Safari', device: 'iOS', ip: '2001:db8::1', lastSeenAt: '2026-11-28T18:40:00Z' }] };

  it('lists each session with browser, device, address and last activity, "This device" first; axe clean', async () => {
    const p = await profile({ sessions: others });
    await until(() => p.section('sessions')?.querySelectorAll('[part~="session"]').length === 3);
    const rows = [...p.section('sessions')!.querySelectorAll('[part~="session"]')].map((r) => p.text(r.querySelector('.details')));
    expect(rows).toEqual(['Chrome on macOS This device 203.0.113.10 · Active now', 'Firefox on Windows 198.51.100.7 · Last active Nov 30, 2026, 9:15 AM', 'Safari on iOS 2001:db8::1 · Last active Nov 28, 2026, 6:40 PM']);
    expect(p.section('sessions')!.querySelectorAll('[data-action="revoke"]')).toHaveLength(2);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('signs one session out, announces it and keeps focus in the list; then the others at once', async () => {
    const p = await profile({ sessions: { [ADA]: [...others[ADA]!, { browser: 'Edge', device: 'Windows', ip: '198.51.100.9' }] } });
    await until(() => p.section('sessions')?.querySelectorAll('[data-action="revoke"]').length === 3);
    p.button('revoke')!.click();
    await until(() => p.announced() === 'Signed out of Firefox on Windows.');
    expect(p.section('sessions')!.querySelectorAll('[part~="session"]')).toHaveLength(3);
    await until(() => p.root.activeElement?.getAttribute('data-action') === 'revoke');
    p.button('revoke-others')!.click();
    await until(() => p.announced() === 'Signed out of all other devices.');
    expect(p.text(p.section('sessions')!.querySelector('.note'))).toBe('You aren’t signed in anywhere else.');
  });

  it('a session that cannot be signed out says why in its row', async () => {
    const p = await profile({ sessions: others });
    await until(() => p.button('revoke'));
    p.broker.failNext.set(`/v1/sessions/${p.root.querySelector('[data-action="revoke"]')!.closest('li')!.dataset.id}`, 'network');
    p.button('revoke')!.click();
    await until(() => p.alerts('sessions') === "We can't reach the sign-in service. Check your connection and try again.");
  });
});

describe('lk-user-profile: password', () => {
  it('changes the password in a light-DOM new-password field; a weak one is explained at the field; axe clean', async () => {
    const p = await profile({ sessions: { [ADA]: [{ browser: 'Firefox', device: 'Windows' }] } });
    await until(() => p.button('edit-password')?.textContent?.trim() === 'Change password');
    p.button('edit-password')!.click();
    await until(() => document.activeElement === document.querySelector('input[autocomplete="new-password"]'));
    expect(p.field('password')!.labels![0]!.textContent).toBe('New password');
    expect(await axeViolations(p.el)).toEqual([]);
    type(p.field('password')!, 'password1');
    p.field('password')!.form!.requestSubmit();
    await until(() => p.fieldError('password') === 'This is a common password, or too close to one. Choose something less predictable.');
    expect(p.field('password')!.getAttribute('aria-invalid')).toBe('true');
    type(p.field('password')!, 'a brand new battery staple');
    p.field('password')!.form!.requestSubmit();
    await until(() => p.announced() === 'Password changed. Your other devices were signed out.');
    expect(p.field('password')).toBeNull();
    expect(p.broker.users.get(ADA)!.password).toBe('a brand new battery staple');
    expect(p.broker.mail.at(-1)).toMatchObject({ to: ADA, subject: 'Your password was changed' });
  });

  it('a passkey-only account is offered "Set a password"; without a recent sign-in it asks to confirm it is you', async () => {
    const p = await profile({ accounts: { [ADA]: null }, methods: ['password', 'passkey'], passkeys: { [ADA]: [{ name: 'iPhone' }] } });
    await until(() => p.button('edit-password')?.textContent?.trim() === 'Set a password');
    p.button('edit-password')!.click();
    await until(() => p.field('password'));
    type(p.field('password')!, 'a brand new battery staple');
    p.broker.failNext.set('/v1/password', 'reauthentication_required');
    p.field('password')!.form!.requestSubmit();
    // The refusal opens "Confirm it's you" (step-up), and nothing is saved meanwhile.
    await until(() => p.el.matches(':state(step-up)'));
    await until(() => p.el.querySelector('[slot="step-up"] .lk-step-up h3')?.textContent?.trim() === 'Confirm it’s you');
    expect(p.broker.users.get(ADA)!.password).toBeNull();
  });
});

describe('lk-user-profile: email address', () => {
  it('changes the address: the new one, then the code mailed to it; the page then shows the new address', async () => {
    const p = await profile();
    await until(() => p.button('edit-email'));
    expect(p.text(p.section('email')!.querySelector('[part~="current-email"]'))).toBe(ADA);
    p.button('edit-email')!.click();
    await until(() => document.activeElement === p.field('email'));
    type(p.field('email')!, 'ada@new.example');
    p.field('email')!.form!.requestSubmit();
    await until(() => document.activeElement === document.querySelector('input[autocomplete="one-time-code"]'));
    expect(p.field('code')!.labels![0]!.textContent).toBe('Verification code');
    expect(await axeViolations(p.el)).toEqual([]);
    type(p.field('code')!, '000000');
    await until(() => expect(p.fieldError('code')).toBe("That code isn't right. 4 tries left."));
    type(p.field('code')!, p.broker.lastCode('ada@new.example'));
    await until(() => p.announced() === 'Your email address is now ada@new.example.');
    await until(() => p.text(p.section('email')!.querySelector('[part~="current-email"]')) === 'ada@new.example');
    expect(p.broker.mail.at(-1)).toMatchObject({ to: ADA, subject: 'The email address of your account was changed' });
  });

  it("refuses an address whose organization requires SSO, at the field", async () => {
    const p = await profile({ ssoDomains: { 'acme.test': 'Acme' }, ssoRequired: ['acme.test'] });
    await until(() => p.button('edit-email'));
    p.button('edit-email')!.click();
    await until(() => p.field('email'));
    type(p.field('email')!, 'ada@acme.test');
    p.field('email')!.form!.requestSubmit();
    await until(() => p.fieldError('email') === "This address's organization signs its people in with its own single sign-on, so it can't be used here.");
  });
});
