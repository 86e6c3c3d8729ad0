import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import type { LatchkeyClient, SignInMethod } from '@latchkey/client';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeAuthenticator } from '@latchkey/testing';

// lk-sign-in's second-factor step (issue 23), on the fake broker: an account with an
// authenticator app or recovery codes is asked for one after its first factor, and signs in
// only once it passed. The real broker's rules (TOTP windows, races) are its own tests'.

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const TOTP = '246810';
const RECOVERY = ['4f9k2-x7m3q', 'b8d1z-p0w5n'];
let authenticator: FakeAuthenticator | undefined;

afterEach(() => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
  history.replaceState(null, '', location.pathname);
});

async function mfaCard(o: { methods?: SignInMethod[]; totp?: boolean; passkey?: boolean; rpId?: string } = {}) {
  const broker = fakeBroker({
    accounts: { [ADA]: PASSWORD },
    totp: o.totp === false ? {} : { [ADA]: TOTP },
    recoveryCodes: { [ADA]: RECOVERY },
    methods: o.methods,
    passkeys: o.passkey ? { [ADA]: [{ name: 'MacBook' }] } : undefined,
    rpId: o.rpId,
  });
  const signedIn: LkSignedInEvent[] = [];
  const errors: string[] = [];
  const el = await mount<LkSignIn>(
    html`<lk-sign-in .client=${broker.client()} @lk-signed-in=${(e: LkSignedInEvent) => signedIn.push(e)} @lk-error=${(e: CustomEvent<{ code: string }>) => errors.push(e.detail.code)}></lk-sign-in>`,
    'lk-sign-in',
  );
  const input = (name: string) => el.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const subtitle = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="subtitle"]')?.textContent;
  const alert = () => el.querySelector('[role="alert"]')?.textContent!.trim() ?? '';
  const fieldError = (name: string) => document.getElementById(input(name)!.getAttribute('aria-describedby')!.split(' ').at(-1)!)!.textContent;
  const idle = () => el.querySelector('.lk-primary')?.getAttribute('aria-disabled') === 'false';
  const submit = () => el.querySelector('form')!.requestSubmit();
  return { broker, el, signedIn, errors, input, button, heading, subtitle, alert, fieldError, idle, submit };
}

type Card = Awaited<ReturnType<typeof mfaCard>>;

/** The email, then the password: the broker answers the second-factor step. */
async function passwordThenMfa(c: Card) {
  type(c.input('email')!, ADA);
  c.submit();
  await until(() => c.heading() === 'Enter your password');
  type(c.input('password')!, PASSWORD);
  c.submit();
  await until(() => c.heading() === 'Two-step verification');
}

describe('lk-sign-in: the second factor', () => {
  it('asks for the authenticator app\'s code after the password (no session before it), and signs in once all six digits are in', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    expect(c.el.matches(':state(step-mfa)')).toBe(true);
    expect(c.signedIn).toEqual([]);
    await expect(c.el.client!.session.refresh()).resolves.toEqual({ status: 'signed-out' });
    const code = c.input('totp')!;
    expect(code.labels![0]!.textContent).toBe('Authentication code');
    expect(code.autocomplete).toBe('one-time-code');
    expect(code.inputMode).toBe('numeric');
    expect(c.subtitle()).toBe('Enter the 6-digit code from your authenticator app.');
    await until(() => document.activeElement === code);
    expect(await axeViolations(c.el)).toEqual([]);

    // Pasted with a space, as an app copies it: the digits are kept, and six submit on their own.
    const sent = bodiesSentTo(c.el.client!, '/v1/sign-in/mfa');
    type(code, '246 810');
    await until(() => c.signedIn.length === 1);
    expect(sent).toEqual([{ flow_id: expect.stringMatching(/^flw_mfa/), method: 'totp', code: TOTP }]);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(c.signedIn[0]!.detail.session.aal).toBe(2);
    await until(() => c.heading() === "You're signed in");
  });

  it('refuses an authenticator code it took already, and takes the app\'s next one', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    type(c.input('totp')!, TOTP);
    await until(() => c.signedIn.length === 1);
    await (c.el.client as LatchkeyClient).signOut();
    await until(() => c.heading() === 'Sign in');
    await passwordThenMfa(c);
    type(c.input('totp')!, TOTP);
    await until(() => c.input('totp')!.getAttribute('aria-invalid') === 'true');
    expect(c.fieldError('totp')).toBe("That code isn't right. 4 tries left.");
    c.broker.showTotp(ADA, '135790');
    type(c.input('totp')!, '135790');
    await until(() => c.signedIn.length === 2);
  });

  it('checks the code before sending it', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    type(c.input('totp')!, '12345');
    c.submit();
    await until(() => c.input('totp')!.getAttribute('aria-invalid') === 'true');
    expect(c.fieldError('totp')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(c.broker.requests).not.toContain('POST /v1/sign-in/mfa');
  });

  it('says at the field how many tries are left after a wrong code, then that the sign-in must start again', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    const said = () => c.el.querySelector('.lk-field-error')?.textContent || c.alert();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      type(c.input('totp')!, '000000');
      await until(() => c.idle() && said() !== '' && said() !== seen.at(-1));
      seen.push(said());
      if (i === 0) {
        const field = c.input('totp')!;
        expect(field.getAttribute('aria-invalid')).toBe('true');
        expect(c.fieldError('totp')).toBe("That code isn't right. 4 tries left.");
        expect(c.alert()).toBe('');
        expect(document.activeElement).toBe(field);
        expect(await axeViolations(c.el)).toEqual([]);
      }
    }
    expect(seen).toEqual([
      "That code isn't right. 4 tries left.",
      "That code isn't right. 3 tries left.",
      "That code isn't right. 2 tries left.",
      "That code isn't right. 1 try left.",
      'Too many wrong codes. Go back and sign in again.',
    ]);
    expect([...c.broker.mfaFlows.values()][0]!.attempts).toBe(5);
    expect(c.button('Use a recovery code instead')).toBeUndefined();
    expect(await axeViolations(c.el)).toEqual([]);
    // The right code no longer helps; "Back to sign in" starts again.
    type(c.input('totp')!, TOTP);
    await until(() => c.errors.length === 6);
    expect(c.errors.at(-1)).toBe('too_many_attempts');
    expect(c.signedIn).toEqual([]);
    c.button('Back to sign in')!.click();
    await until(() => c.heading() === 'Sign in');
  });

  it('says a second-factor sign-in that expired must start again', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    c.broker.failNext.set('/v1/sign-in/mfa', 'code_expired');
    type(c.input('totp')!, TOTP);
    await until(() => c.alert() !== '');
    expect(c.alert()).toBe('This sign-in has expired. Go back and sign in again.');
    expect(c.signedIn).toEqual([]);
  });

  it('signs in with a recovery code, and refuses the same code the next time', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    c.button('Use a recovery code instead')!.click();
    await until(() => c.input('recovery-code') !== null);
    expect(c.input('totp')).toBeNull();
    expect(c.el.matches(':state(step-mfa)')).toBe(true);
    const field = c.input('recovery-code')!;
    expect(field.labels![0]!.textContent).toBe('Recovery code');
    expect(field.type).toBe('text');
    expect(c.subtitle()).toMatch(/^Enter one of the recovery codes/);
    await until(() => document.activeElement === field);
    expect(await axeViolations(c.el)).toEqual([]);
    // Case and spaces do not matter.
    type(field, ' 4F9K2-X7M3Q ');
    c.submit();
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'rc', 'mfa']);

    // Signed out, the same code again: refused at the field, with the tries left.
    await (c.el.client as LatchkeyClient).signOut();
    await until(() => c.heading() === 'Sign in');
    await passwordThenMfa(c);
    c.button('Use a recovery code instead')!.click();
    await until(() => c.input('recovery-code') !== null);
    type(c.input('recovery-code')!, RECOVERY[0]!);
    c.submit();
    await until(() => c.input('recovery-code')!.getAttribute('aria-invalid') === 'true');
    expect(c.fieldError('recovery-code')).toBe("That code isn't right. 4 tries left.");
    expect(c.signedIn).toHaveLength(1);
    expect(await axeViolations(c.el)).toEqual([]);
    // The other code still works.
    type(c.input('recovery-code')!, RECOVERY[1]!);
    c.submit();
    await until(() => c.signedIn.length === 2);
  });

  it('switches back to the authenticator app, the field empty again', async () => {
    const c = await mfaCard();
    await passwordThenMfa(c);
    type(c.input('totp')!, '123');
    c.button('Use a recovery code instead')!.click();
    await until(() => c.input('recovery-code') !== null);
    c.button('Use your authenticator app instead')!.click();
    await until(() => c.input('totp') !== null);
    expect(c.input('totp')!.value).toBe('');
    await until(() => document.activeElement === c.input('totp'));
  });

  it('asks for the recovery code first when the account has no authenticator app, and offers no switch', async () => {
    const c = await mfaCard({ totp: false });
    await passwordThenMfa(c);
    expect(c.input('recovery-code')).not.toBeNull();
    expect(c.button('Use your authenticator app instead')).toBeUndefined();
  });

  it('asks for the second factor after a mailed code too', async () => {
    const c = await mfaCard();
    type(c.input('email')!, ADA);
    c.submit();
    await until(() => c.heading() === 'Enter your password');
    c.button('Email me a sign-in code')!.click();
    await until(() => c.heading() === 'Check your email');
    type(c.input('code')!, c.broker.lastCode(ADA));
    await until(() => c.heading() === 'Two-step verification');
    expect(c.signedIn).toEqual([]);
    type(c.input('totp')!, TOTP);
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['email', 'otp', 'mfa']);
  });

  it('asks for the second factor when back from a social provider', async () => {
    history.replaceState(null, '', `${location.pathname}?lk_resume=1`);
    const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, totp: { [ADA]: TOTP } });
    broker.nextResume = { doneAs: ADA };
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    await until(() => el.matches(':state(step-mfa)'));
    type(el.querySelector<HTMLInputElement>('input[name="totp"]')!, TOTP);
    await until(() => el.matches(':state(step-done)'));
    await expect(el.client!.session.refresh()).resolves.toMatchObject({ status: 'signed-in', session: { amr: ['fed', 'otp', 'mfa'] } });
  });

  it('offers a passkey instead where the broker lists one, which answers this sign-in as its second factor', async () => {
    const c = await mfaCard({ methods: ['password', 'email-code', 'passkey'], passkey: true });
    authenticator = installFakeAuthenticator({ credentials: c.broker.credentialsFor(ADA) });
    await passwordThenMfa(c);
    const sent = bodiesSentTo(c.el.client!, '/v1/sign-in/mfa/passkey/options');
    c.button('Use a passkey instead')!.click();
    await until(() => c.signedIn.length === 1);
    // The password and the passkey: one sign-in with two factors, not a new passkey sign-in.
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'swk', 'user', 'mfa']);
    expect(c.broker.requests).toContain('POST /v1/sign-in/mfa/passkey/options');
    expect(c.broker.requests).toContain('POST /v1/sign-in/mfa/passkey');
    expect(c.broker.requests).not.toContain('POST /v1/passkeys/sign-in/verify');
    expect(sent).toEqual([{ flow_id: expect.stringMatching(/^flw_mfa/) }]);
  });

  it('offers a passkey as second factor where passkeys are no sign-in method, only an RP ID', async () => {
    const c = await mfaCard({ methods: ['password'], passkey: true, rpId: location.hostname });
    authenticator = installFakeAuthenticator({ credentials: c.broker.credentialsFor(ADA) });
    await passwordThenMfa(c);
    c.button('Use a passkey instead')!.click();
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toContain('mfa');
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('says so when the passkey dialog is cancelled, and the code still works', async () => {
    const c = await mfaCard({ methods: ['password', 'email-code', 'passkey'], passkey: true });
    authenticator = installFakeAuthenticator({ credentials: c.broker.credentialsFor(ADA), outcome: 'cancel' });
    await passwordThenMfa(c);
    c.button('Use a passkey instead')!.click();
    await until(() => c.alert() !== '');
    expect(c.signedIn).toEqual([]);
    type(c.input('totp')!, TOTP);
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
