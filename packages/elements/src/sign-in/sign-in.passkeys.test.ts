import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import type { LatchkeyClient, SignInMethod } from '@latchkey/client';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeAuthenticator, type FakeAuthenticatorOptions } from '@latchkey/testing';

// lk-sign-in's passkeys: the button and the email field's autofill, on the fake broker's
// passkey routes and the fake authenticator in place of the browser's WebAuthn. The real
// broker with Chromium's virtual authenticator is in e2e/passkeys.spec.ts.

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const WITH_PASSKEYS: SignInMethod[] = ['password', 'email-code', 'passkey'];
let authenticator: FakeAuthenticator | undefined;

afterEach(() => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
});

async function passkeyCard(o: { methods?: SignInMethod[]; authenticator?: FakeAuthenticatorOptions; passkeyTimeout?: number; signedIn?: boolean } = {}) {
  const broker = fakeBroker({
    accounts: { [ADA]: PASSWORD },
    passkeys: { [ADA]: [{ name: 'MacBook' }] },
    methods: o.methods ?? WITH_PASSKEYS,
    passkeyTimeout: o.passkeyTimeout,
    signedInAs: o.signedIn ? ADA : undefined,
  });
  authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA), ...o.authenticator });
  const signedIn: LkSignedInEvent[] = [];
  const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()} @lk-signed-in=${(e: LkSignedInEvent) => signedIn.push(e)}></lk-sign-in>`, 'lk-sign-in');
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const alert = () => el.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
  const email = () => el.querySelector<HTMLInputElement>('input[type="email"]:not([aria-hidden])')!;
  const autofills = () => authenticator!.ceremonies.filter((c) => c.mediation === 'conditional');
  return { broker, el, button, heading, alert, email, signedIn, autofills, authenticator: authenticator! };
}

describe('lk-sign-in with passkeys', () => {
  it('offers "Sign in with a passkey" when the broker offers passkeys, and waits in the email field\'s autofill meanwhile', async () => {
    const c = await passkeyCard();
    await until(() => !!c.button('Sign in with a passkey'));
    await until(() => c.autofills().length === 1);
    // Autofill offers every passkey of the site: no allow list, no email needed.
    expect((c.autofills()[0]!.publicKey as PublicKeyCredentialRequestOptions).allowCredentials).toEqual([]);
    expect(c.email().autocomplete).toBe('username webauthn');
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('offers no passkey where the broker does not, and leaves the form as it was (no alert)', async () => {
    const c = await passkeyCard({ methods: ['password', 'email-code'] });
    await until(() => c.broker.requests.includes('POST /v1/passkeys/sign-in/options'));
    await c.el.updateComplete;
    expect(c.button('Sign in with a passkey')).toBeUndefined();
    expect(c.autofills()).toEqual([]);
    expect(c.alert()).toBe('');
  });

  it('offers no passkey in a browser without WebAuthn, and does not ask the broker for one', async () => {
    const c = await passkeyCard({ authenticator: { outcome: 'unsupported' } });
    type(c.email(), ADA);
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.heading() === 'Enter your password');
    expect(c.broker.requests).not.toContain('POST /v1/passkeys/sign-in/options');
    expect(c.button('Sign in with a passkey')).toBeUndefined();
  });

  it('signs in with the button: the browser\'s dialog, then the broker, with amr hwk or swk and user', async () => {
    const c = await passkeyCard();
    await until(() => c.autofills().length === 1);
    c.button('Sign in with a passkey')!.click();
    await until(() => c.heading() === "You're signed in");
    const modal = c.authenticator.ceremonies.filter((x) => x.kind === 'get' && x.mediation !== 'conditional');
    expect(modal).toHaveLength(1);
    expect(c.signedIn).toHaveLength(1);
    expect(c.signedIn[0]!.detail.user.email).toBe(ADA);
    // A synced passkey (the seed's default) is software-bound: RFC 8176 `swk`.
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['swk', 'user']);
  });

  it('says "Waiting for your passkey…" while the dialog is open, and keeps the button focusable', async () => {
    const c = await passkeyCard({ authenticator: { outcome: 'never' } });
    await until(() => !!c.button('Sign in with a passkey'));
    c.button('Sign in with a passkey')!.click();
    await until(() => !!c.button('Waiting for your passkey…'));
    const waiting = c.button('Waiting for your passkey…')!;
    expect(waiting.getAttribute('aria-disabled')).toBe('true');
    expect(waiting.disabled).toBe(false);
    // Continue is not the one waiting.
    expect(c.el.querySelector('.lk-primary')!.textContent!.trim()).toBe('Continue');
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('says the dialog was cancelled, offers autofill again, and the email form still works', async () => {
    const c = await passkeyCard({ authenticator: { outcome: 'cancel' } });
    await until(() => c.autofills().length === 1);
    c.button('Sign in with a passkey')!.click();
    await until(() => c.alert() === 'The passkey request was cancelled. Try again, or use another way.');
    // The button's dialog stopped autofill; it starts again once the dialog is over.
    await until(() => c.autofills().length === 2);
    expect(c.button('Sign in with a passkey')).toBeDefined();
    type(c.email(), ADA);
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.heading() === 'Enter your password');
  });

  it('says the request timed out when the dialog ran out of time', async () => {
    const c = await passkeyCard({ authenticator: { outcome: 'timeout' }, passkeyTimeout: 1200 });
    await until(() => !!c.button('Sign in with a passkey'));
    c.button('Sign in with a passkey')!.click();
    await until(() => c.alert() === 'The passkey request timed out. Try again, or use another way.', 3000);
    expect(c.heading()).toBe('Sign in');
  });

  it('says so when this device has no passkey for the site (the browser\'s dialog ends without one)', async () => {
    const c = await passkeyCard();
    c.authenticator.credentials.length = 0;
    await until(() => !!c.button('Sign in with a passkey'));
    c.authenticator.next('cancel');
    c.button('Sign in with a passkey')!.click();
    await until(() => c.alert() === 'The passkey request was cancelled. Try again, or use another way.');
    expect(c.signedIn).toEqual([]);
  });

  it('signs in from autofill: the user picks a passkey among the email suggestions, without typing', async () => {
    const c = await passkeyCard();
    await until(() => c.autofills().length === 1);
    c.authenticator.pickAutofill();
    await until(() => c.heading() === "You're signed in");
    expect(c.signedIn).toHaveLength(1);
    expect(c.email()).toBeNull();
  });

  it('lets the user type meanwhile: Continue works, and leaving the step stops autofill', async () => {
    const c = await passkeyCard();
    await until(() => c.autofills().length === 1);
    type(c.email(), ADA);
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.heading() === 'Enter your password');
    // A pick now answers nothing: the request was aborted with the step.
    c.authenticator.pickAutofill();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.heading()).toBe('Enter your password');
    expect(c.signedIn).toEqual([]);
    // Back on the email step ("Change"), autofill waits again.
    c.button('Change')!.click();
    await until(() => c.heading() === 'Sign in');
    await until(() => c.autofills().length === 2);
  });

  it('shows why the broker refused a passkey picked from autofill, and leaves the button and the form', async () => {
    const c = await passkeyCard();
    await until(() => c.autofills().length === 1);
    // A passkey the broker does not know (deleted elsewhere): the device still offers it.
    c.authenticator.credentials.splice(0, 1, { id: 'AAECAwQFBgcICQoLDA0ODw', userHandle: 'ZGVsZXRlZA' });
    c.authenticator.pickAutofill();
    await until(() => c.alert() === "That passkey didn't work here. Try again, or use another way to sign in.");
    expect(c.heading()).toBe('Sign in');
    // No new autofill request of its own: a device that answers autofill by itself would loop on the refused passkey.
    await new Promise((r) => setTimeout(r, 50));
    expect(c.autofills()).toHaveLength(1);
    // The button asks again (here the device holds Ada's passkey once more), and autofill waits again after it.
    c.authenticator.credentials.splice(0, 1, ...c.broker.credentialsFor(ADA));
    c.button('Sign in with a passkey')!.click();
    await until(() => c.heading() === "You're signed in");
  });

  it('does not wait in autofill while someone is signed in, and starts once they sign out', async () => {
    const c = await passkeyCard({ signedIn: true });
    const client = c.el.client!;
    await client.session.refresh();
    await c.el.updateComplete;
    // Whatever autofill began while the session was loading has stopped: a device that answers
    // autofill by itself cannot sign the user in a second time.
    const before = c.autofills().length;
    c.authenticator.pickAutofill();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.signedIn).toEqual([]);
    expect(c.broker.requests).not.toContain('POST /v1/passkeys/sign-in/verify');
    await (client as LatchkeyClient).signOut();
    await until(() => c.autofills().length === before + 1);
    c.authenticator.pickAutofill();
    await until(() => c.heading() === "You're signed in");
  });

  it('asks nothing more once removed from the page, whatever the session does', async () => {
    const c = await passkeyCard({ signedIn: true });
    const client = c.el.client!;
    await client.session.refresh();
    c.el.remove();
    // An update after removal (a request settling, say) must not follow the session again.
    c.el.requestUpdate();
    await c.el.updateComplete;
    const asked = c.broker.requests.length;
    await (client as LatchkeyClient).signOut();
    await new Promise((r) => setTimeout(r, 50));
    expect(c.broker.requests.slice(asked)).toEqual(['POST /v1/sign-out']);
  });

  it('asks again when the page sets return-to after the first render: the options carry it', async () => {
    const c = await passkeyCard();
    const client = c.el.client!;
    const sent = bodiesSentTo(client, '/v1/passkeys/sign-in/options');
    c.el.reset();
    await until(() => c.autofills().length === 1);
    c.el.returnTo = 'https://app.example.com/after';
    await until(() => c.autofills().length === 2);
    expect(sent.at(-1)?.return_to).toBe('https://app.example.com/after');
    // The first request was stopped: only the new one answers a pick.
    c.authenticator.pickAutofill();
    await until(() => c.heading() === "You're signed in");
    expect(c.broker.requests.filter((r) => r === 'POST /v1/passkeys/sign-in/verify')).toHaveLength(1);
  });

  it('keeps the button where the browser cannot offer passkeys in autofill', async () => {
    const c = await passkeyCard({ authenticator: { autofill: false } });
    await until(() => !!c.button('Sign in with a passkey'));
    expect(c.autofills()).toEqual([]);
    c.button('Sign in with a passkey')!.click();
    await until(() => c.heading() === "You're signed in");
  });
});
