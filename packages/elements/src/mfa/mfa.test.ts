import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import type { MfaStep } from '@latchkey/client';
import './mfa.js';
import type { LkMfa } from './mfa.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import type { LkMfaEnrolledEvent } from '../events/mfa-enrolled.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { FAKE_APP_CODE, installFakeAuthenticator, type FakeBrokerOptions, type FakeAuthenticator } from '@latchkey/testing';

// lk-mfa on the fake broker, in each mode: enrol an app (the enrolment lk-user-profile shows),
// answer a pending sign-in's second factor (lk-sign-in's step), and make new recovery codes.

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
let authenticator: FakeAuthenticator | undefined;

afterEach(() => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
  vi.restoreAllMocks();
  history.replaceState(null, '', location.pathname);
});

async function card(mode: string, options: FakeBrokerOptions = {}, step?: (broker: ReturnType<typeof fakeBroker>) => Promise<MfaStep>) {
  const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, ...options });
  const pending = step ? await step(broker) : undefined;
  const signedIn: LkSignedInEvent[] = [];
  const enrolled: LkMfaEnrolledEvent[] = [];
  const errors: string[] = [];
  const el = await mount<LkMfa>(
    html`<lk-mfa mode=${mode} .client=${broker.client()} .step=${pending} @lk-signed-in=${(e: LkSignedInEvent) => signedIn.push(e)} @lk-mfa-enrolled=${(e: LkMfaEnrolledEvent) => enrolled.push(e)} @lk-error=${(e: CustomEvent<{ code: string }>) => errors.push(e.detail.code)}></lk-mfa>`,
    'lk-mfa',
  );
  return {
    broker,
    el,
    signedIn,
    enrolled,
    errors,
    heading: () => el.shadowRoot!.querySelector('[part~="title"]')!.textContent,
    input: (name: string) => el.querySelector<HTMLInputElement>(`input[name="${name}"]`),
    button: (text: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === text),
    action: (name: string) => el.querySelector<HTMLButtonElement>(`[data-action="${name}"]`),
    codes: () => [...el.querySelectorAll('.lk-codes li')].map((li) => li.textContent!.trim()),
  };
}

/** A password sign-in of Ada in the page's client: the `mfa` step the host hands to lk-mfa. */
const passwordFirst = async (broker: ReturnType<typeof fakeBroker>) => (await broker.client().signInWithPassword({ email: ADA, password: PASSWORD })) as MfaStep;

describe('lk-mfa mode="enroll"', () => {
  it('enrols the signed-in user\'s app: QR code, key, the light-DOM Verification code field, then the codes; lk-mfa-enrolled', async () => {
    const c = await card('enroll', { signedInAs: ADA });
    await until(() => c.input('totp'));
    expect(c.heading()).toBe('Set up your authenticator app');
    expect(document.querySelector('input[autocomplete="one-time-code"]')).toBe(c.input('totp'));
    expect(c.el.querySelector('svg[role="img"]')).not.toBeNull();
    expect(await axeViolations(c.el)).toEqual([]);
    type(c.input('totp')!, FAKE_APP_CODE);
    await until(() => c.codes().length === 10);
    expect(c.heading()).toBe('Save your recovery codes');
    expect(c.enrolled.map((e) => e.detail.factor.type)).toEqual(['totp']);
    expect(await axeViolations(c.el)).toEqual([]);
    c.action('saved-codes')!.click();
    await until(() => c.el.matches(':state(enrolled)') && c.heading() === 'Two-step verification is on');
  });

  it('says a wrong code at the field, and reports lk-error', async () => {
    const c = await card('enroll', { signedInAs: ADA });
    await until(() => c.input('totp'));
    type(c.input('totp')!, '000000');
    await until(() => c.input('totp')!.getAttribute('aria-invalid') === 'true');
    expect(c.errors).toEqual(['invalid_code']);
  });

  it('says so when the account has an app already, and when nobody is signed in', async () => {
    const on = await card('enroll', { signedInAs: ADA, totp: { [ADA]: '314159' } });
    await until(() => on.heading() === 'Two-step verification is on');
    cleanup();
    const out = await card('enroll');
    await until(() => out.el.matches(':state(signed-out)'));
    expect(out.el.shadowRoot!.textContent).toContain('Sign in to manage two-step verification.');
    expect(await axeViolations(out.el)).toEqual([]);
  });
});

describe('lk-mfa mode="challenge"', () => {
  it('answers the pending sign-in with the app\'s code (the step lk-sign-in shows), then lk-signed-in', async () => {
    const c = await card('challenge', { totp: { [ADA]: '246810' }, recoveryCodes: { [ADA]: ['4f9k2-x7m3q'] } }, passwordFirst);
    await until(() => c.input('totp'));
    expect(c.heading()).toBe('Two-step verification');
    // No "Back to sign in" without a sign-in-url.
    expect(c.button('Back to sign in')).toBeUndefined();
    expect(await axeViolations(c.el)).toEqual([]);
    type(c.input('totp')!, '246810');
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('takes a recovery code once: the same code is refused the next time', async () => {
    const c = await card('challenge', { totp: { [ADA]: '246810' }, recoveryCodes: { [ADA]: ['4f9k2-x7m3q'] } }, passwordFirst);
    await until(() => c.input('totp'));
    c.button('Use a recovery code instead')!.click();
    await until(() => c.input('recovery-code'));
    type(c.input('recovery-code')!, '4f9k2-x7m3q');
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'rc', 'mfa']);
  });

  it('takes a flow-id and methods as attributes, and a passkey of the account', async () => {
    const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, totp: { [ADA]: '246810' }, methods: ['password'], rpId: location.hostname, passkeys: { [ADA]: [{ name: 'MacBook' }] } });
    const step = await passwordFirst(broker);
    authenticator = installFakeAuthenticator({ credentials: broker.credentialsFor(ADA) });
    const signedIn: LkSignedInEvent[] = [];
    const el = await mount<LkMfa>(html`<lk-mfa mode="challenge" flow-id=${step.flow_id} methods="totp passkey" sign-in-url="#sign-in" .client=${broker.client()} @lk-signed-in=${(e: LkSignedInEvent) => signedIn.push(e)}></lk-mfa>`, 'lk-mfa');
    await until(() => [...el.querySelectorAll('button')].some((b) => b.textContent!.trim() === 'Use a passkey instead'));
    expect([...el.querySelectorAll('button')].some((b) => b.textContent!.trim() === 'Back to sign in')).toBe(true);
    [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Use a passkey instead')!.click();
    await until(() => signedIn.length === 1);
    expect(signedIn[0]!.detail.session.amr).toContain('mfa');
    expect(broker.requests).toContain('POST /v1/sign-in/mfa/passkey');
  });
});

describe('lk-mfa mode="recovery-codes"', () => {
  it('makes ten new codes and shows them once', async () => {
    const c = await card('recovery-codes', { signedInAs: ADA, totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t'] } });
    await until(() => c.action('regenerate'));
    expect(c.heading()).toBe('Recovery codes');
    expect(await axeViolations(c.el)).toEqual([]);
    c.action('regenerate')!.click();
    await until(() => c.codes().length === 10);
    expect(c.codes()).not.toContain('k7m2p-q9x4t');
    expect(await axeViolations(c.el)).toEqual([]);
    c.action('saved-codes')!.click();
    await until(() => c.action('regenerate'));
  });
});
