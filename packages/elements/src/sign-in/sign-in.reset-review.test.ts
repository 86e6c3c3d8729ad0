import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeAuthenticator } from '@latchkey/testing';

// After a password reset, an account with passkeys sees them ("Check your passkeys") and can
// remove any it does not know, without a session, before it signs in with the new password.
// The broker's side is packages/broker/src/modules/passkeys/review.ts; here the fake broker.

const ADA = 'ada@example.com';
const NEW_PASSWORD = 'a brand new passphrase';

let authenticator: FakeAuthenticator | undefined;

afterEach(() => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
});

async function resetCard(passkeys: Array<{ name: string; synced?: boolean; lastUsedAt?: string }> = [{ name: 'Work laptop' }, { name: 'Unknown', synced: false }]) {
  const broker = fakeBroker({
    accounts: { [ADA]: 'correct horse battery staple' },
    passkeys: passkeys.length ? { [ADA]: passkeys } : {},
    methods: ['password', 'email-code', 'passkey'],
  });
  const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!;
  const buttons = (name: string) => [...el.querySelectorAll('button')].filter((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const live = () => el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent;
  const alert = () => el.querySelector('[role="alert"]')!.textContent!.trim();
  const names = () => [...el.querySelectorAll('.lk-passkeys .name')].map((n) => n.textContent);
  // Email, "Forgot password?", the mailed code and a new password.
  type(input('username'), ADA);
  el.querySelector('form')!.requestSubmit();
  await until(() => heading() === 'Enter your password');
  buttons('Forgot password?')[0]!.click();
  await until(() => heading() === 'Reset your password');
  type(input('one-time-code'), broker.lastCode(ADA));
  type(input('new-password'), NEW_PASSWORD);
  el.querySelector('form')!.requestSubmit();
  return { broker, el, input, buttons, heading, live, alert, names };
}

describe('lk-sign-in after a password reset, for an account with passkeys', () => {
  it('lists the passkeys ("Check your passkeys") with what each is, focused and announced like every step', async () => {
    const c = await resetCard([{ name: 'Work laptop', lastUsedAt: '2026-12-01T09:00:00.000Z' }, { name: 'Unknown', synced: false }]);
    await until(() => c.heading() === 'Check your passkeys');
    expect(c.el.querySelector('[role="status"]')!.textContent).toBe('Your password was changed. Sign in with the new one.');
    expect(c.names()).toEqual(['Work laptop', 'Unknown']);
    const rows = [...c.el.querySelectorAll('.lk-passkeys > li')].map((li) => li.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(['Created Nov 24, 2026 · Last used Dec 1, 2026', 'Created Nov 24, 2026 · Never used']);
    expect([...c.el.querySelectorAll('.lk-passkeys .kind')].map((k) => k.textContent)).toEqual(['Synced', 'This device only']);
    // Each Remove says which passkey it removes.
    expect(c.buttons('Remove').map((b) => b.getAttribute('aria-label'))).toEqual(['Remove Work laptop', 'Remove Unknown']);
    await until(() => document.activeElement === c.buttons('Remove')[0]);
    await until(() => c.live() === 'Check your passkeys');
    expect(c.el.matches(':state(step-passkey-review)')).toBe(true);
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('removes a passkey it does not know: the list shrinks, "Removed <name>" is said, focus moves on, and the broker no longer has it', async () => {
    const c = await resetCard([{ name: 'Work laptop' }, { name: 'Unknown' }, { name: 'Phone' }]);
    await until(() => c.heading() === 'Check your passkeys');
    const unknown = c.broker.users.get(ADA)!.passkeys[1]!.id;
    c.buttons('Remove')[1]!.click();
    await until(() => c.names().length === 2);
    expect(c.names()).toEqual(['Work laptop', 'Phone']);
    await until(() => c.live() === 'Removed Unknown');
    // The passkey that took its place.
    await until(() => document.activeElement === c.el.querySelector('[aria-label="Remove Phone"]'));
    expect(c.broker.users.get(ADA)!.passkeys.map((p) => p.id)).not.toContain(unknown);
    expect(c.broker.requests).toContain('POST /v1/password-reset/passkeys/remove');
    expect(c.heading()).toBe('Check your passkeys');
  });

  it('a removed passkey no longer signs in: the device still offers it, the broker refuses it', async () => {
    const c = await resetCard([{ name: 'Unknown' }]);
    await until(() => c.heading() === 'Check your passkeys');
    // The stranger's device keeps its copy of the credential.
    authenticator = installFakeAuthenticator({ credentials: c.broker.credentialsFor(ADA) });
    c.buttons('Remove')[0]!.click();
    await until(() => c.live() === 'Removed Unknown');
    c.buttons('Continue to sign in')[0]!.click();
    await until(() => c.heading() === 'Enter your password');
    c.el.querySelector<HTMLButtonElement>('[aria-label="Change email"]')!.click();
    await until(() => c.heading() === 'Sign in');
    await until(() => c.buttons('Sign in with a passkey').length === 1);
    c.buttons('Sign in with a passkey')[0]!.click();
    await until(() => c.alert() === "That passkey didn't work here. Try again, or use another way to sign in.");
    expect(c.heading()).toBe('Sign in');
    expect(authenticator.ceremonies.some((x) => x.kind === 'get' && x.mediation !== 'conditional')).toBe(true);
  });

  it('shows the button of the passkey being removed as busy until the broker answers', async () => {
    const c = await resetCard();
    await until(() => c.heading() === 'Check your passkeys');
    c.broker.stalled.add('/v1/password-reset/passkeys/remove');
    c.buttons('Remove')[0]!.click();
    await until(() => c.el.querySelector('[aria-label="Remove Work laptop"]')!.getAttribute('aria-disabled') === 'true');
    expect(c.el.querySelector('[aria-label="Remove Work laptop"] .lk-spinner')).not.toBeNull();
    expect(c.el.querySelector('[aria-label="Remove Unknown"]')!.getAttribute('aria-disabled')).toBe('false');
  });

  it('after removing every passkey, "Continue to sign in" shows the password step with the email and the notice, and the new password signs in', async () => {
    const c = await resetCard();
    await until(() => c.heading() === 'Check your passkeys');
    c.buttons('Remove')[0]!.click();
    await until(() => c.names().length === 1);
    c.buttons('Remove')[0]!.click();
    await until(() => c.names().length === 0);
    expect(c.el.querySelector('.lk-review-note')!.textContent).toBe('No passkeys are left on your account.');
    await until(() => document.activeElement === c.buttons('Continue to sign in')[0]);
    expect(c.broker.users.get(ADA)!.passkeys).toEqual([]);
    c.buttons('Continue to sign in')[0]!.click();
    await until(() => c.heading() === 'Enter your password');
    expect(c.el.querySelector('[role="status"]')!.textContent).toBe('Your password was changed. Sign in with the new one.');
    expect(c.el.querySelector<HTMLInputElement>('input[autocomplete="username"]')!.value).toBe(ADA);
    type(c.input('current-password'), NEW_PASSWORD);
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.heading() === "You're signed in");
  });

  it('says the list has expired once the review is over, and still offers "Continue to sign in"', async () => {
    const c = await resetCard();
    await until(() => c.heading() === 'Check your passkeys');
    c.broker.failNext.set('/v1/password-reset/passkeys/remove', 'code_expired');
    c.buttons('Remove')[0]!.click();
    await until(() => c.alert() === 'This list has expired. You can still remove passkeys from your account page once you have signed in.');
    expect(c.buttons('Remove')).toEqual([]);
    await until(() => document.activeElement === c.buttons('Continue to sign in')[0]);
    // Nothing was removed.
    expect(c.broker.users.get(ADA)!.passkeys).toHaveLength(2);
    c.buttons('Continue to sign in')[0]!.click();
    await until(() => c.heading() === 'Enter your password');
  });

  it('shows any other failure as the form always does, and keeps the list', async () => {
    const c = await resetCard();
    await until(() => c.heading() === 'Check your passkeys');
    c.broker.failNext.set('/v1/password-reset/passkeys/remove', 'network');
    c.buttons('Remove')[1]!.click();
    await until(() => c.alert() !== '');
    expect(c.alert()).not.toContain('expired');
    expect(c.names()).toEqual(['Work laptop', 'Unknown']);
  });

  it('goes straight to the password step for an account without passkeys', async () => {
    const c = await resetCard([]);
    await until(() => c.heading() === 'Enter your password');
    expect(c.el.querySelector('[role="status"]')!.textContent).toBe('Your password was changed. Sign in with the new one.');
    expect(c.el.querySelector('.lk-passkeys')).toBeNull();
  });
});
