import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './sign-up.js';
import type { LkSignUp } from './sign-up.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeAuthenticator } from '@latchkey/testing';

let authenticator: FakeAuthenticator | undefined;
afterEach(() => {
  authenticator?.uninstall();
  authenticator = undefined;
  cleanup();
});

async function passkeyCard(methods: Array<'password' | 'email-code' | 'passkey'> = ['password', 'email-code', 'passkey']) {
  authenticator = installFakeAuthenticator();
  const broker = fakeBroker({ methods });
  const el = await mount<LkSignUp>(html`<lk-sign-up .client=${broker.client()}></lk-sign-up>`, 'lk-sign-up');
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!;
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const alert = () => el.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
  return { broker, el, input, heading, button, alert, authenticator };
}

/** Name and email, "Create account with a passkey", then the mailed code: the passkey step. */
async function toPasskeyStep(card: Awaited<ReturnType<typeof passkeyCard>>) {
  await until(() => card.button('Create account with a passkey') !== undefined);
  type(card.input('name'), 'Ada Lovelace');
  type(card.input('username'), 'ada@example.com');
  card.button('Create account with a passkey')!.click();
  await until(() => card.heading() === 'Check your email');
  type(card.input('one-time-code'), card.broker.lastCode('ada@example.com'));
  await until(() => card.heading() === 'Create your passkey');
}

describe('lk-sign-up with passkeys', () => {
  it('makes an account with only a passkey: email confirmed by code, then the passkey, no password at all', async () => {
    const card = await passkeyCard();
    const events: LkSignedInEvent[] = [];
    card.el.addEventListener('lk-signed-in', (e) => events.push(e));
    await toPasskeyStep(card);
    // No account until the passkey exists: never an account without a way in.
    expect(card.broker.users.size).toBe(0);
    expect(await axeViolations(card.el)).toEqual([]);
    card.button('Create passkey')!.click();
    await until(() => events.length === 1);
    expect(events[0]!.detail.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(events[0]!.detail.session.amr).toContain('user');
    expect(card.broker.users.get('ada@example.com')!.password).toBeNull();
    expect(card.authenticator.credentials).toHaveLength(1);
  });

  it('says so when the dialog is cancelled or times out, and the next try asks the broker for fresh options', async () => {
    const card = await passkeyCard();
    await toPasskeyStep(card);
    card.authenticator.next('cancel');
    card.button('Create passkey')!.click();
    await until(() => card.alert() === 'The passkey request was cancelled. Try again, or use another way.');
    expect(card.broker.users.size).toBe(0);
    card.authenticator.next('already-registered');
    card.button('Create passkey')!.click();
    await until(() => card.alert() === 'This device already has a passkey for your account.');
    expect(card.broker.requests.filter((r) => r === 'POST /v1/sign-up/passkey/options')).toHaveLength(1);
    card.button('Create passkey')!.click();
    await until(() => card.heading() === 'Welcome aboard');
    // Each restart continues from the newest ceremony (a restart ends the one before it).
    expect(card.broker.requests.filter((r) => r === 'POST /v1/sign-up/passkey/options')).toHaveLength(2);
  });

  it('offers no passkey where the broker has none, or the browser cannot', async () => {
    const withoutBroker = await passkeyCard(['password', 'email-code']);
    await until(() => withoutBroker.broker.requests.includes('POST /v1/passkeys/sign-in/options'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(withoutBroker.button('Create account with a passkey')).toBeUndefined();
    cleanup();
    authenticator = installFakeAuthenticator({ outcome: 'unsupported' });
    const broker = fakeBroker({ methods: ['password', 'email-code', 'passkey'] });
    const el = await mount<LkSignUp>(html`<lk-sign-up .client=${broker.client()}></lk-sign-up>`, 'lk-sign-up');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...el.querySelectorAll('button')].some((b) => b.textContent!.includes('passkey'))).toBe(false);
    expect(broker.requests).not.toContain('POST /v1/passkeys/sign-in/options');
  });
});
