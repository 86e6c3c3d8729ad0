import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import { createClient, type LatchkeyClient } from '@latchkey/client';
import './sign-up.js';
import type { LkSignUp } from './sign-up.js';
import type { LkSignedInEvent } from '../events/signed-in.js';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

afterEach(cleanup);

/** A client whose first request to `path` gets `problem`; the rest go to the in-memory broker. */
function withProblemOnce(path: string, problem: Record<string, unknown>) {
  const broker = fakeBroker();
  let pending = true;
  return createClient({
    url: broker.url,
    fetch: async (input, init) => {
      if (!pending || new URL(String(input)).pathname !== path) return broker.fetch(input, init);
      pending = false;
      const body = { type: `urn:latchkey:problem:${problem.code}`, title: 'raw broker title', status: 400, ...problem };
      return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } });
    },
  });
}

async function signUpCard(client?: LatchkeyClient) {
  const broker = fakeBroker();
  const el = await mount<LkSignUp>(html`<lk-sign-up .client=${client ?? broker.client()} sign-in-url="/sign-in"></lk-sign-up>`, 'lk-sign-up');
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!;
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  return { broker, el, input, heading, submit: () => el.querySelector('form')!.requestSubmit() };
}

describe('lk-sign-up', () => {
  it('creates the account after the mailed code and fires lk-signed-in', async () => {
    const card = await signUpCard();
    const events: LkSignedInEvent[] = [];
    card.el.addEventListener('lk-signed-in', (e) => events.push(e));
    expect(card.input('new-password').labels![0]!.textContent).toBe('Password');
    expect(card.input('username').labels![0]!.textContent).toBe('Email');
    type(card.input('name'), 'Ada Lovelace');
    type(card.input('username'), 'ada@example.com');
    type(card.input('new-password'), 'analytical engine');
    card.submit();
    await until(() => card.heading() === 'Check your email');
    expect(card.broker.users.size).toBe(0);
    type(card.input('one-time-code'), card.broker.lastCode('ada@example.com'));
    await until(() => events.length === 1);
    expect(events[0]!.detail.user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(card.broker.users.get('ada@example.com')!.password).toBe('analytical engine');
  });

  it('asks for a longer password before sending anything', async () => {
    const card = await signUpCard();
    type(card.input('username'), 'ada@example.com');
    type(card.input('new-password'), 'short');
    card.submit();
    await card.el.updateComplete;
    expect(card.input('new-password').getAttribute('aria-invalid')).toBe('true');
    expect(card.el.querySelector('.lk-field-error')!.textContent).toBe('Use at least 8 characters.');
    expect(document.activeElement).toBe(card.input('new-password'));
    expect(card.broker.requests.filter((r) => r.startsWith('POST /v1/sign-up'))).toEqual([]);
  });

  it('says how many tries are left after a wrong code', async () => {
    const card = await signUpCard();
    type(card.input('username'), 'ada@example.com');
    type(card.input('new-password'), 'analytical engine');
    card.submit();
    await until(() => card.heading() === 'Check your email');
    const code = card.broker.lastCode('ada@example.com');
    type(card.input('one-time-code'), code === '000000' ? '111111' : '000000');
    // At the field it is about, which is marked and focused; the form's alert does not repeat it.
    await until(() => card.input('one-time-code').getAttribute('aria-invalid') === 'true');
    expect(card.el.querySelector('.lk-field-error')!.textContent).toBe("That code isn't right. 4 tries left.");
    expect(card.el.querySelector('[role="alert"]')!.textContent!.trim()).toBe('');
    expect(document.activeElement).toBe(card.input('one-time-code'));
  });

  it('says clearly that it cannot show a step of a newer broker, and keeps the details', async () => {
    const card = await signUpCard();
    card.broker.answerNext.set('/v1/sign-up', { step: 'passkey-enrol', options: {} });
    type(card.input('username'), 'ada@example.com');
    type(card.input('new-password'), 'analytical engine');
    card.submit();
    await until(() => card.el.querySelector('[role="alert"]')!.textContent!.trim() !== '');
    expect(card.el.querySelector('[role="alert"]')!.textContent!.trim()).toMatch(/^This page can't show the next sign-in step yet/);
    expect(card.heading()).toBe('Create your account');
    expect(card.input('username').value).toBe('ada@example.com');
  });

  it('shows a weak password at the password field, in words that fit someone who typed 8 characters', async () => {
    const broker = fakeBroker();
    let pending = true;
    const client = createClient({
      url: broker.url,
      fetch: async (input, init) => {
        if (pending && new URL(String(input)).pathname === '/v1/sign-up') {
          pending = false;
          const body = { type: 'urn:latchkey:problem:weak_password', code: 'weak_password', title: 'Password too weak', status: 400, errors: [{ path: 'password', message: 'too common' }] };
          return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } });
        }
        return broker.fetch(input, init);
      },
    });
    const el = await mount<LkSignUp>(html`<lk-sign-up .client=${client}></lk-sign-up>`, 'lk-sign-up');
    const field = el.querySelector<HTMLInputElement>('input[autocomplete="new-password"]')!;
    type(el.querySelector('input[type="email"]')!, 'ada@example.com');
    type(field, 'password');
    el.querySelector('form')!.requestSubmit();
    await until(() => field.getAttribute('aria-invalid') === 'true');
    expect(document.getElementById(field.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent).toBe('This password is too easy to guess. Choose another.');
    expect(el.querySelector('[role="alert"]')!.textContent!.trim()).toBe('');
    expect(el.textContent).not.toMatch(/at least 8|too common|Password too weak/);
    expect(document.activeElement).toBe(field);
    expect(await axeViolations(el)).toEqual([]);
  });

  describe('says why the broker refused the password, at the field, in words of its own', () => {
    async function refusedWith(password: string, client?: LatchkeyClient) {
      const card = await signUpCard(client);
      type(card.input('name'), 'Ada Lovelace');
      type(card.input('username'), 'ada@example.com');
      type(card.input('new-password'), password);
      card.submit();
      const field = card.input('new-password');
      await until(() => field.getAttribute('aria-invalid') === 'true');
      expect(card.el.querySelector('[role="alert"]')!.textContent!.trim()).toBe('');
      expect(document.activeElement).toBe(field);
      expect(card.heading()).toBe('Create your account');
      return { card, text: document.getElementById(field.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent };
    }

    it.each([
      // Eight UTF-16 units pass the browser's count; the broker counts four characters.
      ['too_short', '😀🔒🦊🌊', 'Use at least 8 characters.'],
      ['common', 'Passw0rd!', 'This is a common password, or too close to one. Choose something less predictable.'],
      ['pattern', 'aaaaaaaa', 'Repeated characters, sequences and keyboard runs are easy to guess. Choose something less predictable.'],
      ['personal', 'Lovelace1815', "Don't build your password from this site's name, your name or your email address."],
    ])('%s (%s)', async (_reason, password, message) => {
      const { card, text } = await refusedWith(password);
      expect(text).toBe(message);
      expect(await axeViolations(card.el)).toEqual([]);
    });

    it('guessable, and the generic words for a reason this build does not know', async () => {
      const reasonless = (reason: string) => withProblemOnce('/v1/sign-up', { code: 'weak_password', errors: [{ path: 'password', message: 'raw broker text', reason }] });
      expect((await refusedWith('analytical engine', reasonless('guessable'))).text).toBe('This password is too easy to guess. Add another word or two.');
      cleanup();
      const { card, text } = await refusedWith('analytical engine', reasonless('breached'));
      expect(text).toBe('This password is too easy to guess. Choose another.');
      expect(card.el.textContent).not.toContain('raw broker text');
    });
  });

  it('moves focus to the code field after the details, and announces the step', async () => {
    const card = await signUpCard();
    type(card.input('username'), 'ada@example.com');
    type(card.input('new-password'), 'analytical engine');
    card.submit();
    await until(() => document.activeElement === card.input('one-time-code'));
    await until(() => card.el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent === 'Check your email');
  });

  it('links to sign-in and passes axe', async () => {
    const card = await signUpCard();
    expect(card.el.shadowRoot!.querySelector('a')!.getAttribute('href')).toBe('/sign-in');
    expect(await axeViolations(card.el)).toEqual([]);
  });
});

describe('lk-sign-up social buttons', () => {
  it('offers the broker\'s providers and sends the page to the one picked, to come back to the sign-in page', async () => {
    const broker = fakeBroker({ social: [{ id: 'devhub', name: 'DevHub', icon: 'github' }] });
    const went: string[] = [];
    const client = broker.client();
    const asked = bodiesSentTo(client, '/v1/sign-in/social');
    const el = await mount<LkSignUp>(
      html`<lk-sign-up .client=${client} sign-in-url="/sign-in?from=sign-up" return-to="https://app.test/welcome" .navigate=${(url: string) => went.push(url)}></lk-sign-up>`,
      'lk-sign-up',
    );
    const button = () => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Continue with DevHub');
    await until(() => !!button());
    expect(el.querySelector('.lk-divider')!.textContent).toBe('or');
    expect(await axeViolations(el)).toEqual([]);
    button()!.click();
    await until(() => went.length === 1);
    expect(asked).toEqual([{ provider: 'devhub', resume_url: new URL('/sign-in?from=sign-up', location.href).href, return_to: 'https://app.test/welcome' }]);
    await until(() => el.shadowRoot!.querySelector('[part~="title"]')!.textContent === 'Continue to DevHub');
    expect(el.querySelector<HTMLAnchorElement>('a.lk-secondary')!.href).toBe(went[0]);
  });

  it('shows no social buttons and no divider when the broker lists none', async () => {
    const card = await signUpCard();
    await until(() => card.broker.requests.includes('GET /v1/config'));
    expect(card.el.querySelector('.lk-social')).toBeNull();
    expect(card.el.querySelector('.lk-divider')).toBeNull();
  });
});
