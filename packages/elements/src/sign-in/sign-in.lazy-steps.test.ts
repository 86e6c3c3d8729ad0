import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { StepImport } from '../internal/controllers/lazy-steps-controller.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

// lk-sign-in ships its first screen; each later step is a chunk (sign-in.steps.ts). These
// tests watch the real imports (the page's resource timing) and, where a chunk must be slow
// or fail, stand in for them through the element's `stepImport`.

const password = 'correct horse battery staple';

/** The step chunks this page has fetched so far, by file name ("password", "email-code", "reset", "passkey-review"). */
function fetchedSteps(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => /\/sign-in\/steps\/([\w-]+)\.ts/.exec(e.name)?.[1])
    .filter((name): name is string => !!name)
    .sort();
}

/** Holds back every requestIdleCallback until `run()`: the page is busy until then. */
function busyPage() {
  const waiting: IdleRequestCallback[] = [];
  vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback) => waiting.push(callback));
  return {
    get asked() {
      return waiting.length;
    },
    run: () => waiting.splice(0).forEach((callback) => callback({ didTimeout: false, timeRemaining: () => 50 })),
  };
}

async function card(stepImport?: StepImport) {
  const broker = fakeBroker({ accounts: { 'ada@example.com': password } });
  const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()} .stepImport=${stepImport}></lk-sign-in>`, 'lk-sign-in');
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`);
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const alert = () => el.querySelector('[role="alert"]')?.textContent!.trim() ?? '';
  const submitEmail = () => {
    type(input('username')!, 'ada@example.com');
    el.querySelector('form')!.requestSubmit();
  };
  return { broker, el, input, button, heading, alert, submitEmail };
}

/** A stand-in import that waits for `release()` before it imports for real. */
function heldImport() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  const stepImport: StepImport = (step, load) => {
    asked.push(step);
    return gate.then(load);
  };
  return { stepImport, asked, release };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('lk-sign-in step chunks', () => {
  // First in this file: the page has fetched no step chunk before it (each test file has its own page).
  it('fetches no step chunk for the first screen, the password step when the broker asks for it, and the rest once the page is idle', async () => {
    const page = busyPage();
    const c = await card();
    await until(() => page.asked >= 1);
    // Several frames after the first render, nothing but the first screen is loaded.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.heading()).toBe('Sign in');
    expect(fetchedSteps()).toEqual([]);

    c.submitEmail();
    await until(() => c.heading() === 'Enter your password');
    expect(fetchedSteps()).toEqual(['password']);

    page.run();
    await until(() => fetchedSteps().length === 8);
    expect(fetchedSteps()).toEqual(['email-code', 'idp-error', 'mfa', 'mfa-enroll', 'passkey-review', 'password', 'reset', 'sso-redirect']);
  });

  it('asks for every step chunk once the page is idle after the first render, and not before', async () => {
    const page = busyPage();
    const held = heldImport();
    await card(held.stepImport);
    await until(() => page.asked >= 1);
    expect(held.asked).toEqual([]);
    page.run();
    expect(held.asked.sort()).toEqual(['email-code', 'idp-error', 'mfa', 'mfa-enroll', 'passkey-review', 'password', 'reset', 'sso-redirect']);
  });

  it('fetches the redirect step when an address goes to its organization\'s IdP, before the page is idle', async () => {
    const page = busyPage();
    const asked: string[] = [];
    const broker = fakeBroker({ ssoDomains: { 'acme.test': 'Acme' } });
    const went: string[] = [];
    const stepImport: StepImport = (step, load) => (asked.push(step), load());
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()} .stepImport=${stepImport} .navigate=${(url: string) => went.push(url)}></lk-sign-in>`, 'lk-sign-in');
    await until(() => page.asked >= 1);
    expect(asked).toEqual([]);
    type(el.querySelector<HTMLInputElement>('input[autocomplete~="username"]')!, 'ana@acme.test');
    el.querySelector('form')!.requestSubmit();
    await until(() => went.length === 1);
    // Only the step the broker answered: the IdP error's chunk waits for the page to be idle.
    expect(asked).toEqual(['sso-redirect']);
    page.run();
    expect(asked.sort()).toEqual(['email-code', 'idp-error', 'mfa', 'mfa-enroll', 'passkey-review', 'password', 'reset', 'sso-redirect']);
  });

  it('keeps the email step pending while the password step loads, then shows it with focus in the password field', async () => {
    busyPage();
    const held = heldImport();
    const c = await card(held.stepImport);
    const base = c.el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
    const height = base.offsetHeight;
    c.submitEmail();
    await until(() => held.asked.includes('password'));
    await until(() => c.button('Continue')?.getAttribute('aria-disabled') === 'true');
    // The broker has answered; the card still shows the email step, busy, at the same height.
    await until(() => c.broker.requests.includes('POST /v1/sign-in/identify'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.heading()).toBe('Sign in');
    expect(c.el.matches(':state(loading)')).toBe(true);
    expect(c.input('current-password')).toBeNull();
    expect(c.input('username')!.value).toBe('ada@example.com');
    expect(base.offsetHeight).toBe(height);

    held.release();
    await until(() => c.heading() === 'Enter your password');
    await until(() => document.activeElement === c.input('current-password'));
    expect(c.el.matches(':state(loading)')).toBe(false);
  });

  it('says the next step could not load, with "Try again" that loads it without asking the broker again', async () => {
    busyPage();
    let offline = true;
    const c = await card((_step, load) => (offline ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : load()));
    const errors: string[] = [];
    c.el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
    c.submitEmail();
    await until(() => c.alert() !== '');
    expect(c.alert()).toBe("The next step couldn't load. Check your connection and try again.");
    expect(c.heading()).toBe('Sign in');
    expect(c.input('username')).toBeNull();
    expect(errors).toEqual(['network_error']);
    expect(await axeViolations(c.el)).toEqual([]);

    // Still offline: the same message, and focus stays on "Try again".
    c.button('Try again')!.focus();
    c.button('Try again')!.click();
    await until(() => errors.length === 2);
    await until(() => c.alert() !== '');
    expect(c.alert()).toBe("The next step couldn't load. Check your connection and try again.");
    expect(document.activeElement).toBe(c.button('Try again'));

    offline = false;
    c.button('Try again')!.click();
    await until(() => c.heading() === 'Enter your password');
    await until(() => document.activeElement === c.input('current-password'));
    expect(c.broker.requests.filter((r) => r === 'POST /v1/sign-in/identify')).toHaveLength(1);
    expect(errors).toEqual(['network_error', 'network_error']);
    expect(c.alert()).toBe('');
  });
});
