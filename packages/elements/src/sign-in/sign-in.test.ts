import type { LatchkeyClient } from '@latchkey/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import type { LkErrorEvent } from '../events/error.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import '../config/config.js';

const password = 'correct horse battery staple';

async function signInCard(options: Parameters<typeof fakeBroker>[0] = {}) {
  options = { accounts: { 'ada@example.com': password }, ...options };
  const broker = fakeBroker(options);
  const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!;
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!;
  const alert = () => el.querySelector('[role="alert"]')!.textContent!.trim();
  const submit = () => el.querySelector('form')!.requestSubmit();
  return { broker, el, input, button, heading, alert, submit };
}

async function toPasswordStep(card: Awaited<ReturnType<typeof signInCard>>, email = 'ada@example.com') {
  type(card.input('username'), email);
  card.submit();
  await until(() => card.heading().textContent === 'Enter your password');
}

afterEach(cleanup);

describe('lk-sign-in', () => {
  it('asks for the email first, labelled "Email", with the username and webauthn autocomplete tokens', async () => {
    const { el, heading } = await signInCard();
    expect(heading().textContent).toBe('Sign in');
    const email = el.querySelector('input[type="email"]') as HTMLInputElement;
    expect(email.labels![0]!.textContent).toBe('Email');
    // `webauthn` lets the browser list passkeys in the field's autofill; `username` pairs it with the password.
    expect(email.autocomplete).toBe('username webauthn');
  });

  it('keeps the password field in the light DOM, where password managers look', async () => {
    const card = await signInCard();
    await toPasswordStep(card);
    const field = document.querySelector<HTMLInputElement>('input[autocomplete~="current-password"]');
    expect(field).not.toBeNull();
    expect(field!.getRootNode()).toBe(document);
    expect(card.el.shadowRoot!.querySelector('input')).toBeNull();
    expect(field!.labels![0]!.textContent).toBe('Password');
    // A username field goes with it, so managers save the pair.
    expect(card.el.querySelector<HTMLInputElement>('input[autocomplete="username"]')!.value).toBe('ada@example.com');
  });

  it('moves focus to the new step\'s first field and announces its heading politely', async () => {
    const card = await signInCard();
    await toPasswordStep(card);
    await until(() => document.activeElement === card.input('current-password'));
    const live = card.el.shadowRoot!.querySelector('[aria-live="polite"]')!;
    await until(() => live.textContent === 'Enter your password');
    card.button('Email me a sign-in code').click();
    await until(() => document.activeElement === card.input('one-time-code'));
    await until(() => live.textContent === 'Check your email');
  });

  it('signs in with a password and fires lk-signed-in out of any shadow root', async () => {
    const broker = fakeBroker({ accounts: { 'ada@example.com': password } });
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<lk-sign-in></lk-sign-in>';
    const el = shadow.querySelector('lk-sign-in')!;
    el.client = broker.client();
    await el.updateComplete;
    await until(() => el.querySelector('input[type="email"]'));
    // Inside another component the form is in that component's tree, still outside lk-sign-in's shadow root.
    const events: LkSignedInEvent[] = [];
    document.addEventListener('lk-signed-in', (e) => events.push(e), { once: true });
    type(el.querySelector('input[type="email"]')!, 'ada@example.com');
    el.querySelector('form')!.requestSubmit();
    await until(() => shadow.querySelector('input[autocomplete~="current-password"]'));
    expect(el.shadowRoot!.querySelector('input')).toBeNull();
    type(shadow.querySelector('input[autocomplete~="current-password"]')!, password);
    el.querySelector('form')!.requestSubmit();
    await until(() => events.length === 1);
    expect(events[0]!.detail).toMatchObject({ user: { email: 'ada@example.com' }, session: { amr: ['pwd'] }, return_to: null });
    expect(events[0]!.composed && events[0]!.bubbles).toBe(true);
  });

  it('says a wrong password does not match, in the live region, and fires lk-error', async () => {
    const card = await signInCard();
    const errors: LkErrorEvent[] = [];
    card.el.addEventListener('lk-error', (e) => errors.push(e));
    await toPasswordStep(card);
    type(card.input('current-password'), 'not it');
    card.submit();
    await until(() => card.alert() !== '');
    expect(card.alert()).toBe("That email and password don't match. Try again, or reset your password.");
    expect(card.el.querySelector('[role="alert"]')!.getAttribute('aria-live')).toBe('assertive');
    expect(errors.map((e) => e.detail.code)).toEqual(['invalid_credentials']);
  });

  it('shows a clear message when the broker cannot be reached or is busy', async () => {
    const card = await signInCard();
    card.broker.failNext.set('/v1/sign-in/identify', 'network');
    type(card.input('username'), 'ada@example.com');
    card.submit();
    await until(() => card.alert() !== '');
    expect(card.alert()).toBe("We can't reach the sign-in service. Check your connection and try again.");
    card.broker.failNext.set('/v1/sign-in/identify', 'rate_limited');
    card.submit();
    // The broker's Retry-After, not "Wait a moment" for a 15-minute limit.
    await until(() => card.alert() === 'Too many attempts. Try again in 15 minutes.');
  });

  it('goes back a step with the browser\'s Back, the email still typed, and forward again, without leaving the page', async () => {
    const card = await signInCard();
    const url = location.href;
    await toPasswordStep(card);
    history.back();
    await until(() => card.heading().textContent === 'Sign in');
    expect(card.input('username').value).toBe('ada@example.com');
    expect(location.href).toBe(url);
    await until(() => document.activeElement === card.input('username'));
    history.forward();
    await until(() => card.heading().textContent === 'Enter your password');
    await until(() => document.activeElement === card.input('current-password'));
    history.back();
    await until(() => card.heading().textContent === 'Sign in');
  });

  it('eases the card to the next step\'s height instead of jumping, and does not move with reduced motion', async () => {
    const card = await signInCard();
    const base = card.el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
    const before = base.offsetHeight;
    await toPasswordStep(card);
    const [ease] = base.getAnimations();
    expect(ease).toBeDefined();
    const frames = (ease!.effect as KeyframeEffect).getKeyframes();
    ease!.finish();
    expect(base.offsetHeight).toBeGreaterThan(before);
    expect(frames.map((f) => f.blockSize)).toEqual([`${before}px`, `${base.offsetHeight}px`]);

    const reduced = vi.spyOn(window, 'matchMedia').mockImplementation((query) => ({ matches: query.includes('reduce') }) as MediaQueryList);
    try {
      card.button('Change').click();
      await until(() => card.heading().textContent === 'Sign in');
      expect(base.getAnimations()).toEqual([]);
    } finally {
      reduced.mockRestore();
    }
  });

  it('checks the email before sending anything', async () => {
    const card = await signInCard();
    type(card.input('username'), 'not-an-email');
    card.submit();
    await card.el.updateComplete;
    const email = card.input('username');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    const error = document.getElementById(email.getAttribute('aria-describedby')!)!;
    expect(error.textContent).toBe('Enter a valid email address, like name@example.com.');
    expect(card.broker.requests).not.toContain('POST /v1/sign-in/identify');
  });

  it('signs in with a mailed code, submitting once all six digits are in', async () => {
    const card = await signInCard();
    const events: LkSignedInEvent[] = [];
    card.el.addEventListener('lk-signed-in', (e) => events.push(e));
    await toPasswordStep(card);
    card.button('Email me a sign-in code').click();
    await until(() => card.heading().textContent === 'Check your email');
    const code = card.input('one-time-code');
    expect(code.labels![0]!.textContent).toBe('Verification code');
    expect(code.inputMode).toBe('numeric');
    const resend = [...card.el.querySelectorAll('button')].find((b) => /^Resend in (30|29) s$/.test(b.textContent!.trim()));
    expect(resend?.disabled).toBe(true);
    type(code, card.broker.lastCode('ada@example.com'));
    await until(() => events.length === 1);
    expect(events[0]!.detail.session.amr).toEqual(['email']);
  });

  it('says how many tries are left after a wrong code at the code field, then that there were too many', async () => {
    const card = await signInCard();
    await toPasswordStep(card);
    card.button('Email me a sign-in code').click();
    await until(() => card.heading().textContent === 'Check your email');
    const flow = [...card.broker.flows.values()].at(-1)!;
    const wrong = flow.code === '000000' ? '111111' : '000000';
    const idle = () => card.el.querySelector('.lk-primary')!.getAttribute('aria-disabled') === 'false';
    const said = () => card.el.querySelector('.lk-field-error')?.textContent || card.alert();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      type(card.input('one-time-code'), wrong);
      // Each answer is on screen before the next guess is typed.
      await until(() => idle() && said() !== '' && said() !== seen.at(-1));
      seen.push(said());
      if (i === 0) {
        const code = card.input('one-time-code');
        expect(code.getAttribute('aria-invalid')).toBe('true');
        expect(document.getElementById(code.getAttribute('aria-describedby')!)!.textContent).toBe("That code isn't right. 4 tries left.");
        expect(card.alert()).toBe('');
        expect(document.activeElement).toBe(code);
      }
    }
    expect(flow.attempts).toBe(5);
    expect(seen).toEqual([
      "That code isn't right. 4 tries left.",
      "That code isn't right. 3 tries left.",
      "That code isn't right. 2 tries left.",
      "That code isn't right. 1 try left.",
      'Too many wrong codes. Ask for a new code to try again.',
    ]);
  });

  it('resets a forgotten password and comes back to the password step with a notice', async () => {
    const card = await signInCard();
    await toPasswordStep(card);
    card.button('Forgot password?').click();
    await until(() => card.heading().textContent === 'Reset your password');
    expect(card.input('new-password').labels![0]!.textContent).toBe('New password');
    type(card.input('one-time-code'), card.broker.lastCode('ada@example.com'));
    type(card.input('new-password'), 'a brand new passphrase');
    card.submit();
    await until(() => card.heading().textContent === 'Enter your password');
    expect(card.el.querySelector('[role="status"]')!.textContent).toBe('Your password was changed. Sign in with the new one.');
    expect(card.heading().textContent).toBe('Enter your password');
  });

  it('offers a mailed code on the password step only when the broker lists email-code', async () => {
    const both = await signInCard();
    await toPasswordStep(both);
    expect(both.button('Email me a sign-in code')).toBeDefined();
    cleanup();
    const passwordOnly = await signInCard({ methods: ['password'] });
    await toPasswordStep(passwordOnly);
    expect(passwordOnly.button('Email me a sign-in code')).toBeUndefined();
    expect(passwordOnly.el.querySelector('.lk-divider')).toBeNull();
    expect(passwordOnly.button('Forgot password?')).toBeDefined();
  });

  it('goes straight to the code when the broker mails one first, and offers the password only when it lists one', async () => {
    const card = await signInCard({ methods: ['email-code', 'password'] });
    type(card.input('username'), 'ada@example.com');
    card.submit();
    await until(() => card.heading().textContent === 'Check your email');
    // The passkey options and the public configuration asked on load are the first screen's, not the form's.
    expect(card.broker.requests.filter((r) => !r.startsWith('POST /v1/passkeys/') && r !== 'GET /v1/config')).toEqual(['POST /v1/sign-in/identify']);
    card.button('Use my password instead').click();
    await until(() => card.heading().textContent === 'Enter your password');
    expect(card.button('Email me a sign-in code')).toBeDefined();
    cleanup();
    const codeOnly = await signInCard({ methods: ['email-code'] });
    type(codeOnly.input('username'), 'ada@example.com');
    codeOnly.submit();
    await until(() => codeOnly.heading().textContent === 'Check your email');
    expect(codeOnly.button('Use my password instead')).toBeUndefined();
    expect(codeOnly.button('Use another email')).toBeDefined();
  });

  it('says clearly that it cannot show a step of a newer broker, and keeps the form usable', async () => {
    const card = await signInCard();
    const errors: string[] = [];
    card.el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
    card.broker.answerNext.set('/v1/sign-in/identify', { step: 'passkey', challenge: 'c2lnbi1pbg' });
    type(card.input('username'), 'ada@example.com');
    card.submit();
    await until(() => card.alert() !== '');
    expect(card.alert()).toBe("This page can't show the next sign-in step yet. Try again later, or contact the site's support.");
    expect(errors).toEqual(['unsupported_step']);
    expect(card.heading().textContent).toBe('Sign in');
    expect(card.el.matches(':state(step-identifier)')).toBe(true);
    // The next answer the element knows goes through as usual.
    card.submit();
    await until(() => card.heading().textContent === 'Enter your password');
  });

  it('says the same for a known step it has no view for', async () => {
    const card = await signInCard();
    card.broker.answerNext.set('/v1/sign-in/identify', {
      step: 'email-code',
      flow_id: 'flw_x',
      email: 'ada@example.com',
      purpose: 'sign-up',
      methods: [],
      expires_at: new Date(Date.now() + 600_000).toISOString(),
      resend_after: new Date().toISOString(),
      attempts_left: 5,
    });
    type(card.input('username'), 'ada@example.com');
    card.submit();
    await until(() => card.alert() !== '');
    expect(card.alert()).toMatch(/^This page can't show the next sign-in step yet/);
    expect(card.heading().textContent).toBe('Sign in');
  });

  it('starts over when the user signs out elsewhere on the page', async () => {
    const card = await signInCard();
    const client = card.el.client!;
    await toPasswordStep(card);
    type(card.input('current-password'), password);
    card.submit();
    await until(() => card.heading().textContent === "You're signed in");
    expect(card.el.matches(':state(step-done)')).toBe(true);
    await (client as LatchkeyClient).signOut();
    await until(() => card.heading().textContent === 'Sign in');
    expect(card.input('username').value).toBe('');
  });

  it('has no axe violations on any step', async () => {
    const card = await signInCard();
    expect(await axeViolations(card.el)).toEqual([]);
    await toPasswordStep(card);
    expect(await axeViolations(card.el)).toEqual([]);
    card.button('Forgot password?').click();
    await until(() => card.heading().textContent === 'Reset your password');
    expect(await axeViolations(card.el)).toEqual([]);
  });
});

describe('lk-sign-in without a broker', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Submits an email on a card nobody configured; returns what the page and its developer see. */
  async function submitUnconfigured(template: ReturnType<typeof html>) {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const el = await mount<LkSignIn>(template, 'lk-sign-in');
    const errors: string[] = [];
    el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
    const alert = () => el.querySelector('[role="alert"]')!.textContent!.trim();
    type(el.querySelector('input[type="email"]')!, 'ada@example.com');
    el.querySelector('form')!.requestSubmit();
    await until(() => alert() !== '');
    // Twice: the console says it once.
    el.querySelector('form')!.requestSubmit();
    await until(() => errors.length === 2);
    return { el, alert: alert(), errors, logged: logged.mock.calls.map((args) => args.join(' ')) };
  }

  it("says sign-in isn't set up, and tells the developer how to set it up, once", async () => {
    const seen = await submitUnconfigured(html`<lk-sign-in></lk-sign-in>`);
    expect(seen.alert).toBe("Sign-in isn't set up on this page yet.");
    expect(seen.errors).toEqual(['not_configured', 'not_configured']);
    expect(seen.logged).toEqual(['[latchkey] lk-sign-in: no broker configured: set the broker attribute, wrap it in <lk-config>, or call configure()']);
    expect(seen.el.matches(':state(step-identifier)')).toBe(true);
  });

  it('says the same when the broker attribute is not a URL, and logs which one', async () => {
    const seen = await submitUnconfigured(html`<lk-sign-in broker="auth.example.com"></lk-sign-in>`);
    expect(seen.alert).toBe("Sign-in isn't set up on this page yet.");
    expect(seen.logged).toEqual(['[latchkey] lk-sign-in: The broker URL "auth.example.com" is not a valid URL']);
  });

  it('passes on the reason of a wrong <lk-config broker>', async () => {
    const seen = await submitUnconfigured(html`<lk-config broker="ftp://auth.example.com"><lk-sign-in></lk-sign-in></lk-config>`);
    expect(seen.alert).toBe("Sign-in isn't set up on this page yet.");
    expect(seen.logged).toEqual(['[latchkey] lk-sign-in: The broker URL "ftp://auth.example.com" is not an http(s) URL']);
  });
});
