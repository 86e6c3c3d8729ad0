import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { FAKE_ENROLL_CODE, FAKE_ENROLL_SECRET } from '@latchkey/testing';

// lk-sign-in's enrolment during sign-in (issue 23 §2), on the fake broker: a member of an
// organization that requires MFA, with no second factor, sets up an authenticator app after
// the password, sees the recovery codes, and is signed in only when they go on.

const ADA = 'ada@acme.test';
const PASSWORD = 'correct horse battery staple';

afterEach(() => {
  cleanup();
  history.replaceState(null, '', location.pathname);
});

async function enrolCard() {
  const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, mfaRequiredBy: { [ADA]: 'Acme' } });
  const signedIn: LkSignedInEvent[] = [];
  const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()} @lk-signed-in=${(e: LkSignedInEvent) => signedIn.push(e)}></lk-sign-in>`, 'lk-sign-in');
  const input = (name: string) => el.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const subtitle = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="subtitle"]')?.textContent;
  const fieldError = (name: string) => document.getElementById(input(name)!.getAttribute('aria-describedby')!.split(' ').at(-1)!)!.textContent;
  const submit = () => el.querySelector('form')!.requestSubmit();
  type(input('email')!, ADA);
  submit();
  await until(() => heading() === 'Enter your password');
  type(input('password')!, PASSWORD);
  submit();
  await until(() => heading() === 'Set up two-step verification');
  return { broker, el, signedIn, input, button, heading, subtitle, fieldError, submit };
}

describe('lk-sign-in: enrolment an organization requires', () => {
  it('explains who requires it, shows the QR code and the key, and asks for the Verification code in the light DOM', async () => {
    const c = await enrolCard();
    expect(c.el.matches(':state(step-mfa-enroll)')).toBe(true);
    expect(c.subtitle()).toBe('Acme requires two-step verification. Scan the QR code with your authenticator app, then enter the code it shows.');
    expect(c.signedIn).toEqual([]);
    await expect(c.el.client!.session.refresh()).resolves.toEqual({ status: 'signed-out' });
    await until(() => c.el.querySelector('.lk-qr svg') !== null);
    expect(c.el.querySelector('.lk-qr svg')!.getAttribute('aria-label')).toBe('QR code for your authenticator app');
    expect(c.el.querySelector('.lk-key code')!.textContent).toBe(FAKE_ENROLL_SECRET.replace(/(.{4})(?=.)/g, '$1 '));
    const code = document.querySelector<HTMLInputElement>('input[autocomplete="one-time-code"]')!;
    expect(code).toBe(c.input('totp'));
    expect(code.labels![0]!.textContent).toBe('Verification code');
    expect(code.inputMode).toBe('numeric');
    await until(() => document.activeElement === code);
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('says at the field how many tries a wrong code leaves, then shows the recovery codes and signs in on Continue', async () => {
    const c = await enrolCard();
    type(c.input('totp')!, '000000');
    await until(() => c.input('totp')!.getAttribute('aria-invalid') === 'true');
    expect(c.fieldError('totp')).toBe("That code isn't right. 4 tries left.");

    const sent = bodiesSentTo(c.el.client!, '/v1/sign-in/mfa/enroll');
    type(c.input('totp')!, FAKE_ENROLL_CODE);
    await until(() => c.heading() === 'Save your recovery codes');
    expect(sent).toEqual([{ flow_id: expect.stringMatching(/^flw_enrol/), code: FAKE_ENROLL_CODE }]);
    expect(c.el.querySelectorAll('.lk-codes li')).toHaveLength(10);
    expect(c.button('Copy')).toBeDefined();
    expect(c.button('Download')).toBeDefined();
    // The session is there, but the page hears of it only once the codes were seen.
    expect(c.signedIn).toEqual([]);
    expect(await axeViolations(c.el)).toEqual([]);
    c.button('Continue')!.click();
    await until(() => c.signedIn.length === 1);
    expect(c.signedIn[0]!.detail.session.amr).toEqual(['pwd', 'otp', 'mfa']);
    await until(() => c.heading() === "You're signed in");
  });

  it('checks the code before sending it', async () => {
    const c = await enrolCard();
    const sent = bodiesSentTo(c.el.client!, '/v1/sign-in/mfa/enroll');
    type(c.input('totp')!, '123');
    c.submit();
    await until(() => c.input('totp')!.getAttribute('aria-invalid') === 'true');
    expect(c.fieldError('totp')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(sent).toEqual([]);
  });

  it('is in German and Arabic too', async () => {
    const { setLocale } = await import('../internal/localization.js');
    const c = await enrolCard();
    await setLocale('de');
    await until(() => c.heading() === 'Bestätigung in zwei Schritten einrichten');
    expect(c.subtitle()).toContain('Acme verlangt die Bestätigung in zwei Schritten.');
    await setLocale('ar');
    await until(() => c.heading() === 'إعداد التحقق بخطوتين');
    await setLocale(null);
  });
});
