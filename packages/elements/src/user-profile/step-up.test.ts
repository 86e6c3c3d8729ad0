import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import type { SignInMethod } from '@latchkey/client';
import './user-profile.js';
import type { LkUserProfile } from './user-profile.js';
import type { LkPasskeyDeletedEvent } from '../events/passkey-deleted.js';
import { setLocale } from '../internal/localization.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeBrokerOptions, type FakeAuthenticator } from '@latchkey/testing';

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const methods: SignInMethod[] = ['password', 'email-code', 'passkey'];
/** Signed in eleven minutes ago: past the broker's step-up window (ten). */
const STALE = () => Date.now() - 11 * 60_000;
let authenticator: FakeAuthenticator | undefined;

afterEach(async () => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
  await setLocale(null);
});

const passkeys: FakeBrokerOptions['passkeys'] = { [ADA]: [{ name: 'Work laptop', synced: true }, { name: 'YubiKey', synced: false }] };

/** lk-user-profile signed in past the window, on the fake broker with passkeys on. */
async function staleProfile(options: FakeBrokerOptions = {}) {
  const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, signedInAt: STALE(), passkeys, ...options });
  authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA) });
  const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}></lk-user-profile>`, 'lk-user-profile');
  const root = el.shadowRoot!;
  await until(() => root.querySelector('[part~="passkey-list"]'));
  const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const row = (name: string) => [...root.querySelectorAll<HTMLElement>('[part~="passkey"]')].find((r) => r.querySelector('[part~="passkey-name"]')?.textContent?.trim() === name)!;
  const names = () => [...root.querySelectorAll('[part~="passkey-name"]')].map((n) => n.textContent!.trim());
  /** The panel, in the element's light DOM (slot `step-up`). */
  const panel = () => el.querySelector<HTMLElement>('[slot="step-up"] .lk-step-up');
  const panelAlert = () => text(panel()?.querySelector('[role="alert"]'));
  /** Deletes `name` through its confirmation: the broker refuses, and the panel opens. */
  async function deleteAndMeetPanel(name: string) {
    row(name).querySelector<HTMLButtonElement>('[data-action="delete"]')!.click();
    await until(() => root.querySelector('[data-action="confirm-delete"]'));
    root.querySelector<HTMLButtonElement>('[data-action="confirm-delete"]')!.click();
    await until(() => !!panel()?.querySelector('input, .lk-primary'));
  }
  return { broker, el, root, row, names, panel, panelAlert, deleteAndMeetPanel, text };
}

describe('lk-user-profile: "Confirm it\'s you" (step-up)', () => {
  it('asks for the password in the light DOM before deleting a passkey, says a wrong one, then deletes it, axe clean', async () => {
    const p = await staleProfile();
    const deleted: LkPasskeyDeletedEvent[] = [];
    p.el.addEventListener('lk-passkey-deleted', (e) => deleted.push(e));
    await p.deleteAndMeetPanel('YubiKey');
    expect(p.el.matches(':state(step-up)')).toBe(true);
    expect(p.text(p.panel()!.querySelector('h3'))).toBe('Confirm it’s you');
    // Password managers find it: the field and its form are in the page's light DOM.
    const password = document.querySelector<HTMLInputElement>('input[autocomplete~="current-password"]')!;
    expect(password).not.toBeNull();
    expect(p.el.contains(password)).toBe(true);
    expect(document.querySelector(`label[for="${password.id}"]`)!.textContent).toBe('Password');
    // Focus moves to the panel's first field.
    await until(() => document.activeElement === password);
    expect(p.names()).toEqual(['Work laptop', 'YubiKey']);
    expect(await axeViolations(p.el)).toEqual([]);

    type(password, 'not my password');
    password.form!.requestSubmit();
    await until(() => p.panelAlert() === 'That password isn’t right. Try again.');
    expect(document.activeElement).toBe(password);
    expect(p.names()).toEqual(['Work laptop', 'YubiKey']);

    type(password, PASSWORD);
    password.form!.requestSubmit();
    await until(() => p.names().join() === 'Work laptop');
    expect(p.panel()).toBeNull();
    expect(p.el.matches(':state(step-up)')).toBe(false);
    expect(deleted.map((e) => e.detail.passkey.name)).toEqual(['YubiKey']);
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE') || r.startsWith('POST /v1/step-up'))).toEqual([
      'DELETE /v1/passkeys/pk_2',
      'POST /v1/step-up',
      'POST /v1/step-up/password',
      'POST /v1/step-up/password',
      'DELETE /v1/passkeys/pk_2',
    ]);
    // Focus goes on as after any delete: to the row before.
    await until(() => p.root.activeElement === p.row('Work laptop').querySelector('[data-action="rename"]'));
  });

  it('asks an account with an authenticator app for its code ("Verification code", one-time-code), and submits at six digits', async () => {
    const p = await staleProfile({ totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t'] } });
    await p.deleteAndMeetPanel('Work laptop');
    const code = p.panel()!.querySelector<HTMLInputElement>('input')!;
    expect(code.autocomplete).toBe('one-time-code');
    expect(document.querySelector(`label[for="${code.id}"]`)!.textContent).toBe('Verification code');
    // No password here: it would not be enough for an account with a second factor.
    expect([...p.panel()!.querySelectorAll('[data-method]')].map((b) => b.getAttribute('data-method'))).toEqual(['recovery-code', 'passkey']);
    expect(await axeViolations(p.el)).toEqual([]);
    type(code, '314159');
    await until(() => p.names().join() === 'YubiKey');
    expect(p.panel()).toBeNull();
  });

  it('switches to a recovery code, and to a passkey, which confirms it', async () => {
    const p = await staleProfile({ totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t'] } });
    await p.deleteAndMeetPanel('Work laptop');
    p.panel()!.querySelector<HTMLButtonElement>('[data-method="recovery-code"]')!.click();
    await until(() => document.activeElement === p.panel()!.querySelector('input'));
    const input = p.panel()!.querySelector<HTMLInputElement>('input')!;
    expect(document.querySelector(`label[for="${input.id}"]`)!.textContent).toBe('Recovery code');
    p.panel()!.querySelector<HTMLButtonElement>('[data-method="passkey"]')!.click();
    await until(() => p.panel()?.querySelector('.lk-primary')?.textContent?.trim() === 'Use a passkey');
    p.panel()!.querySelector<HTMLButtonElement>('.lk-primary')!.click();
    await until(() => p.names().join() === 'YubiKey');
    expect(p.broker.requests).toContain('POST /v1/step-up/passkey');
  });

  it('steps a passwordless account up with a code mailed to it', async () => {
    const p = await staleProfile({ accounts: { [ADA]: null } });
    await p.deleteAndMeetPanel('YubiKey');
    p.panel()!.querySelector<HTMLButtonElement>('[data-method="email-code"]')!.click();
    await until(() => p.panel()?.querySelector('.lk-primary')?.textContent?.trim() === 'Email me a code');
    p.panel()!.querySelector<HTMLButtonElement>('.lk-primary')!.click();
    await until(() => p.panel()!.querySelector('input[autocomplete="one-time-code"]'));
    expect(p.text(p.panel()!.querySelector('.lk-intro'))).toBe(`We sent a code to ${ADA}. Enter it to continue.`);
    type(p.panel()!.querySelector<HTMLInputElement>('input')!, p.broker.lastCode(ADA));
    await until(() => p.names().join() === 'Work laptop');
  });

  it('Cancel closes the panel, changes nothing, says why, and gives focus back', async () => {
    const p = await staleProfile();
    await p.deleteAndMeetPanel('YubiKey');
    p.panel()!.querySelector<HTMLButtonElement>('[data-action="cancel-step-up"]')!.click();
    await until(() => p.panel() === null);
    expect(p.names()).toEqual(['Work laptop', 'YubiKey']);
    await until(() => p.text(p.root.querySelector('[role="alert"]')) === 'Confirm it’s you to make this change.');
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE'))).toEqual(['DELETE /v1/passkeys/pk_2']);
    expect(p.root.activeElement).not.toBeNull();
  });

  it('asks before adding a passkey too, and not at all within the window', async () => {
    const p = await staleProfile();
    // A new device: it holds none of the account's passkeys, so it can make one.
    authenticator!.uninstall();
    authenticator = installFakeAuthenticator();
    p.root.querySelector<HTMLButtonElement>('[data-action="add"]')!.click();
    await until(() => document.querySelector('input[autocomplete~="current-password"]'));
    const password = document.querySelector<HTMLInputElement>('input[autocomplete~="current-password"]')!;
    type(password, PASSWORD);
    password.form!.requestSubmit();
    await until(() => p.names().length === 3);
    // Now within the window: the next change goes straight through.
    p.row('Work laptop').querySelector<HTMLButtonElement>('[data-action="delete"]')!.click();
    await until(() => p.root.querySelector('[data-action="confirm-delete"]'));
    p.root.querySelector<HTMLButtonElement>('[data-action="confirm-delete"]')!.click();
    await until(() => p.names().length === 2);
    expect(p.broker.requests.filter((r) => r === 'POST /v1/step-up')).toHaveLength(1);
  });

  it('speaks German and Arabic', async () => {
    await setLocale('de');
    const de = await staleProfile();
    await de.deleteAndMeetPanel('YubiKey');
    expect(de.text(de.panel()!.querySelector('h3'))).toBe('Bestätigen Sie, dass Sie es sind');
    cleanup();
    await setLocale('ar');
    const ar = await staleProfile();
    await ar.deleteAndMeetPanel('YubiKey');
    expect(ar.text(ar.panel()!.querySelector('h3'))).toBe('أكّد هويتك');
    expect(getComputedStyle(ar.panel()!).direction).toBe('rtl');
  });
});
