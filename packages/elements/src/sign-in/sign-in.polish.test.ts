import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import { createClient } from '@latchkey/client';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

// What a new user hit on the landed card (issue 14, "Measured"), each checked in Chromium.

const password = 'correct horse battery staple';

/** A broker answering `path` once with a problem, as the real one writes it. */
function withProblemOnce(broker: ReturnType<typeof fakeBroker>, path: string, body: Record<string, unknown>) {
  let pending = true;
  return createClient({
    url: broker.url,
    fetch: async (input, init) => {
      if (pending && new URL(String(input)).pathname === path) {
        pending = false;
        return new Response(JSON.stringify({ type: `urn:latchkey:problem:${body.code}`, title: 'raw broker text', status: 400, ...body }), {
          status: 400,
          headers: { 'content-type': 'application/problem+json' },
        });
      }
      return broker.fetch(input, init);
    },
  });
}

async function card(o: { broker?: ReturnType<typeof fakeBroker>; client?: ReturnType<typeof createClient>; attrs?: string; width?: string } = {}) {
  const broker = o.broker ?? fakeBroker({ accounts: { 'ada@example.com': password } });
  const client = o.client ?? broker.client();
  const el = await mount<LkSignIn>(
    html`<div style="inline-size: ${o.width ?? '400px'}"><lk-sign-in .client=${client} ?autofocus=${o.attrs === 'autofocus'}></lk-sign-in></div>`,
    'lk-sign-in',
  );
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!;
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const alert = () => el.querySelector('[role="alert"]')?.textContent!.trim() ?? '';
  const submit = () => el.querySelector('form')!.requestSubmit();
  return { broker, client, el, input, button, heading, alert, submit };
}

async function toPassword(c: Awaited<ReturnType<typeof card>>, email = 'ada@example.com') {
  type(c.input('username'), email);
  c.submit();
  await until(() => c.heading() === 'Enter your password');
}

afterEach(cleanup);

describe('lk-sign-in focus', () => {
  it('focuses the email on load only when asked to (autofocus)', async () => {
    const plain = await card();
    await plain.el.updateComplete;
    expect(document.activeElement).not.toBe(plain.input('username'));
    cleanup();
    const main = await card({ attrs: 'autofocus' });
    await until(() => document.activeElement === main.input('username'));
  });

  it('puts focus in the password field after Continue, so typing goes there at once', async () => {
    const c = await card();
    await toPassword(c);
    await until(() => document.activeElement === c.input('current-password'));
    expect(c.el.shadowRoot!.activeElement).toBeNull();
  });
});

describe('lk-sign-in code step', () => {
  async function codeStep(o: { attempts?: number; resendable?: boolean } = {}) {
    const broker = fakeBroker({ accounts: { 'ada@example.com': password } });
    if (o.resendable) {
      // A step whose resend wait is over and whose flow took some wrong codes already.
      broker.flows.set('flw_old', { id: 'flw_old', purpose: 'sign-in', email: 'ada@example.com', code: '246810', attempts: o.attempts ?? 0, used: false });
      broker.answerNext.set('/v1/sign-in/email-code', {
        step: 'email-code',
        flow_id: 'flw_old',
        email: 'ada@example.com',
        purpose: 'sign-in',
        methods: ['password', 'email-code'],
        expires_at: new Date(Date.now() + 600_000).toISOString(),
        resend_after: new Date(Date.now() - 1000).toISOString(),
        attempts_left: 5 - (o.attempts ?? 0),
      });
    }
    const c = await card({ broker });
    await toPassword(c);
    c.button('Email me a sign-in code').click();
    await until(() => c.heading() === 'Check your email');
    return c;
  }

  it('takes a pasted "123 456" or "123-456" as six digits and submits it', async () => {
    for (const pasted of ['123 456', '123-456']) {
      const c = await codeStep();
      const flow = [...c.broker.flows.values()].at(-1)!;
      flow.code = '123456';
      const code = c.input('one-time-code');
      expect(code.autocomplete).toBe('one-time-code');
      type(code, pasted);
      expect(code.value).toBe('123456');
      await until(() => c.heading() === "You're signed in");
      cleanup();
    }
  });

  it('keeps only digits while typing, at most six', async () => {
    const c = await codeStep();
    const code = c.input('one-time-code');
    type(code, '12a');
    expect(code.value).toBe('12');
    expect(c.broker.requests).not.toContain('POST /v1/sign-in/email-code/verify');
  });

  it('says how many tries are left when the step says few are', async () => {
    const c = await codeStep({ resendable: true, attempts: 3 });
    const code = c.input('one-time-code');
    expect(document.getElementById(code.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent).toBe('2 tries left.');
  });

  it('confirms a resend: "We sent a new code."', async () => {
    const c = await codeStep({ resendable: true });
    const status = c.el.querySelector('.lk-notice[role="status"]')!;
    expect(status.textContent!.trim()).toBe('');
    c.button('Resend code').click();
    await until(() => c.broker.requests.includes('POST /v1/email-code/resend'));
    await until(() => c.el.querySelector('.lk-notice[role="status"]')!.textContent!.trim() === 'We sent a new code.');
  });

  it('gives every link and button at least a 24 px target', async () => {
    const c = await codeStep();
    const small = [...c.el.querySelectorAll('button')].filter((b) => {
      const box = b.getBoundingClientRect();
      return box.height < 24 || box.width < 24;
    });
    expect(small.map((b) => b.textContent!.trim())).toEqual([]);
  });
});

describe('lk-sign-in field problems from the broker', () => {
  it('shows an email the broker refused at the email field, never the raw server text', async () => {
    const broker = fakeBroker();
    const client = withProblemOnce(broker, '/v1/sign-in/identify', { code: 'invalid_request', errors: [{ path: 'email', message: 'Invalid email address' }] });
    const c = await card({ broker, client });
    type(c.input('username'), 'name@example');
    c.submit();
    const email = c.input('username');
    await until(() => email.getAttribute('aria-invalid') === 'true');
    expect(document.getElementById(email.getAttribute('aria-describedby')!)!.textContent).toBe('Enter a valid email address, like name@example.com.');
    expect(c.alert()).toBe('');
    expect(c.el.textContent).not.toContain('Invalid email address');
    expect(c.el.textContent).not.toContain('raw broker text');
    expect(document.activeElement).toBe(email);
  });

  it('shows a weak new password at the new-password field, without "at least 8 characters"', async () => {
    const broker = fakeBroker({ accounts: { 'ada@example.com': password } });
    const client = withProblemOnce(broker, '/v1/password-reset/finish', { code: 'weak_password', errors: [{ path: 'password', message: 'too common' }] });
    const c = await card({ broker, client });
    await toPassword(c);
    c.button('Forgot password?').click();
    await until(() => c.heading() === 'Reset your password');
    type(c.input('new-password'), 'password');
    type(c.input('one-time-code'), c.broker.lastCode('ada@example.com'));
    c.submit();
    const field = c.input('new-password');
    await until(() => field.getAttribute('aria-invalid') === 'true');
    expect(c.el.querySelector('.lk-field-error')!.textContent).toBe('This password is too easy to guess. Choose another.');
    expect(c.alert()).toBe('');
    expect(c.el.textContent).not.toContain('too common');
    expect(c.el.textContent).not.toMatch(/at least 8/);
  });
});

describe('lk-sign-in reset step: why a new password was refused', () => {
  it('says the reason the broker gave at the new-password field, and keeps the generic text for an unknown one', async () => {
    for (const [reason, shown] of [
      ['personal', "Don't build your password from this site's name, your name or your email address."],
      ['from-a-newer-broker', 'This password is too easy to guess. Choose another.'],
    ] as const) {
      const broker = fakeBroker({ accounts: { 'ada@example.com': password } });
      const client = withProblemOnce(broker, '/v1/password-reset/finish', { code: 'weak_password', errors: [{ path: 'password', message: 'raw broker text', reason: reason as 'personal' }] });
      const c = await card({ broker, client });
      await toPassword(c);
      c.button('Forgot password?').click();
      await until(() => c.heading() === 'Reset your password');
      type(c.input('new-password'), 'AdaLovelace1815');
      type(c.input('one-time-code'), c.broker.lastCode('ada@example.com'));
      c.submit();
      const field = c.input('new-password');
      await until(() => field.getAttribute('aria-invalid') === 'true');
      expect(c.el.querySelector('.lk-field-error')!.textContent).toBe(shown);
      expect(c.alert()).toBe('');
      expect(c.el.textContent).not.toContain('raw broker text');
      cleanup();
    }
  });
});

describe('lk-sign-in password field', () => {
  it('shows and hides the password with a pressed toggle named "Show password"', async () => {
    const c = await card();
    await toPassword(c);
    const field = c.input('current-password');
    const toggle = c.el.querySelector<HTMLButtonElement>('button[aria-pressed]')!;
    expect(toggle.textContent!.trim()).toBe('Show password');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    toggle.click();
    expect(field.type).toBe('text');
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    toggle.click();
    expect(field.type).toBe('password');
    expect(document.querySelector('input[autocomplete~="current-password"]')).toBe(field);
  });

  it('says when Caps Lock is on', async () => {
    const c = await card();
    await toPassword(c);
    const field = c.input('current-password');
    const hint = () => c.el.querySelector<HTMLElement>(`#${field.id}-caps`)!;
    expect(hint().hidden).toBe(true);
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'A', modifierCapsLock: true, bubbles: true }));
    expect(hint().hidden).toBe(false);
    expect(hint().textContent).toBe('Caps Lock is on.');
    expect(field.getAttribute('aria-describedby')).toContain(hint().id);
    field.dispatchEvent(new KeyboardEvent('keyup', { key: 'CapsLock', modifierCapsLock: false, bubbles: true }));
    expect(hint().hidden).toBe(true);
  });
});

describe('lk-sign-in layout', () => {
  for (const width of ['400px', '327px']) {
    it(`keeps "Change" on one line beside a long email (${width} card)`, async () => {
      const c = await card({ width });
      await toPassword(c, 'firstname.lastname@example-company.com');
      const change = c.button('Change');
      const chip = c.el.querySelector<HTMLElement>('.lk-identity')!;
      // One line box for "Change" (it used to wrap letter by letter: "Ch/an/ge").
      const range = document.createRange();
      range.selectNodeContents(change);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      expect(lines.size).toBe(1);
      expect(change.scrollWidth).toBeLessThanOrEqual(change.clientWidth);
      // The address wraps inside the chip instead of overflowing it.
      expect(chip.scrollWidth).toBeLessThanOrEqual(chip.clientWidth);
      expect(chip.querySelector('bdi')!.getBoundingClientRect().right).toBeLessThanOrEqual(change.getBoundingClientRect().left + 1);
    });
  }

  it('pads the card evenly and has room for a logo and the app name', async () => {
    const broker = fakeBroker();
    const el = await mount<LkSignIn>(
      html`<lk-sign-in .client=${broker.client()} app-name="Acme Notes"><img slot="logo" alt="Acme" width="32" height="32" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" /></lk-sign-in>`,
      'lk-sign-in',
    );
    const base = getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!);
    expect(new Set([base.paddingTop, base.paddingBottom, base.paddingLeft, base.paddingRight]).size).toBe(1);
    expect(el.shadowRoot!.querySelector('[part~="app-name"]')!.textContent).toBe('Acme Notes');
    expect(el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="logo"]')!.assignedElements()).toHaveLength(1);
    expect(await axeViolations(el)).toEqual([]);
  });
});

describe('lk-sign-in when the broker cannot be reached', () => {
  it('says so with "Try again" instead of waiting for ever, and comes back when it answers', async () => {
    const c = await card();
    c.broker.failNext.set('/v1/session', 'network');
    await c.client.session.refresh().catch(() => {});
    await until(() => c.alert() === "We can't reach the sign-in service. Check your connection and try again.");
    expect(c.el.querySelector('input')).toBeNull();
    expect(await axeViolations(c.el)).toEqual([]);
    c.button('Try again').click();
    await until(() => c.input('username'));
    expect(c.client.session.state.status).toBe('signed-out');
  });
});
