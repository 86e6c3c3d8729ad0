import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import type { IdpErrorReason, SocialProvider } from '@latchkey/client';
import type { LkSignedInEvent } from '../events/signed-in.js';
import type { FakeBroker, FakeBrokerOptions } from '@latchkey/testing';
import { axeViolations, bodiesSentTo, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

// Social buttons, the redirect to an IdP (a button, or the address's organization), and the
// page the browser comes back to (`lk_resume`): every answer of the resumed flow.

const DEVHUB: SocialProvider = { id: 'devhub', name: 'DevHub', icon: 'github' };
const FOUR: SocialProvider[] = [DEVHUB, { id: 'google', name: 'Google', icon: 'google' }, { id: 'microsoft', name: 'Microsoft', icon: 'microsoft' }, { id: 'apple', name: 'Apple', icon: 'apple' }];

async function card(options: FakeBrokerOptions = {}, o: { returnTo?: string; script?: (broker: FakeBroker) => void } = {}) {
  const broker = fakeBroker(options);
  o.script?.(broker);
  const went: string[] = [];
  const signedIn: LkSignedInEvent[] = [];
  const errors: string[] = [];
  const el = await mount<LkSignIn>(
    html`<lk-sign-in
      .client=${broker.client()}
      .navigate=${(url: string) => went.push(url)}
      .returnTo=${o.returnTo}
      @lk-signed-in=${(e: LkSignedInEvent) => (e.preventDefault(), signedIn.push(e))}
      @lk-error=${(e: CustomEvent<{ code: string }>) => errors.push(e.detail.code)}
    ></lk-sign-in>`,
    'lk-sign-in',
  );
  const buttons = () => [...el.querySelectorAll('button')].map((b) => b.textContent!.trim());
  const button = (name: string) => [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === name);
  const heading = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="title"]')!.textContent;
  const alert = () => el.querySelector('[role="alert"]')?.textContent!.trim() ?? '';
  return { broker, el, went, signedIn, errors, buttons, button, heading, alert };
}

/** The page as the broker sends the browser back to it. */
function comeBack() {
  history.replaceState(null, '', `${location.pathname}?keep=1&lk_resume=1`);
}

afterEach(() => {
  cleanup();
  history.replaceState(null, '', location.pathname);
});

describe('lk-sign-in social buttons', () => {
  it('shows "Continue with {name}" for each provider the broker lists, in its order, with its icon, after "or"', async () => {
    const c = await card({ social: FOUR });
    await until(() => c.buttons().includes('Continue with Apple'));
    expect(c.buttons()).toEqual(['Continue', 'Continue with DevHub', 'Continue with Google', 'Continue with Microsoft', 'Continue with Apple']);
    expect(c.el.querySelector('.lk-divider')!.textContent).toBe('or');
    for (const b of c.el.querySelectorAll('.lk-social')) expect(b.querySelector('svg[aria-hidden="true"] path')!.getAttribute('d')!.length).toBeGreaterThan(20);
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('draws no divider and keeps no room when the broker lists none', async () => {
    const c = await card();
    await until(() => c.broker.requests.includes('GET /v1/config'));
    await new Promise((r) => setTimeout(r, 50));
    expect(c.buttons()).toEqual(['Continue']);
    expect(c.el.querySelector('.lk-divider')).toBeNull();
  });

  it('asks the broker where the provider is, shows "Continue to DevHub" and sends the page there, to come back to this URL', async () => {
    history.replaceState(null, '', `${location.pathname}?tab=2`);
    const c = await card({ social: [DEVHUB] }, { returnTo: 'https://app.test/notes' });
    const asked = bodiesSentTo(c.el.client!, '/v1/sign-in/social');
    await until(() => !!c.button('Continue with DevHub'));
    c.button('Continue with DevHub')!.click();
    await until(() => c.went.length === 1);
    expect(asked).toEqual([{ provider: 'devhub', resume_url: location.href, return_to: 'https://app.test/notes' }]);
    expect(new URL(location.href).searchParams.get('tab')).toBe('2');
    expect(c.went[0]).toMatch(/^https:\/\/idp\.latchkey\.test\/devhub\/authorize/);
    await until(() => c.heading() === 'Continue to DevHub');
    // Where the navigation was blocked, the link goes to the same place; focus is on the heading.
    expect(c.el.querySelector<HTMLAnchorElement>('a.lk-secondary')!.href).toBe(c.went[0]);
    await until(() => c.el.shadowRoot!.activeElement === c.el.shadowRoot!.querySelector('[part~="title"]'));
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it("sends an address of an organization's domain straight to its IdP (home-realm discovery)", async () => {
    const c = await card({ ssoDomains: { 'acme.test': 'Acme' } });
    type(c.el.querySelector<HTMLInputElement>('input[autocomplete~="username"]')!, 'ana@acme.test');
    c.el.querySelector('form')!.requestSubmit();
    await until(() => c.went.length === 1);
    expect(c.went[0]).toMatch(/^https:\/\/idp\.latchkey\.test\/sso\/Acme/);
    await until(() => c.heading() === 'Continue to Acme');
    expect(c.el.matches(':state(step-sso-redirect)')).toBe(true);
  });
});

describe('lk-sign-in back from an identity provider', () => {
  it('takes lk_resume off the URL, shows that it is signing in, then signs in and fires lk-signed-in', async () => {
    comeBack();
    const c = await card({ accounts: { 'cy@devhub.test': null } }, { script: (b) => (b.stalled.add('/v1/sign-in/flow'), (b.nextResume = { doneAs: 'cy@devhub.test' })) });
    expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
    expect(new URL(location.href).searchParams.get('keep')).toBe('1');
    await until(() => c.heading() === 'Signing you in…');
    expect(c.el.matches(':state(resuming)')).toBe(true);
    // Nothing else asks meanwhile: no passkey autofill beside a flow that is finishing.
    expect(c.broker.requests).not.toContain('POST /v1/passkeys/sign-in/options');

    c.broker.stalled.delete('/v1/sign-in/flow');
    c.el.reset();
    cleanup();
    comeBack();
    const d = await card({ accounts: { 'cy@devhub.test': null } }, { script: (b) => (b.nextResume = { doneAs: 'cy@devhub.test' }) });
    await until(() => d.heading() === "You're signed in");
    expect(d.signedIn.map((e) => e.detail.user.email)).toEqual(['cy@devhub.test']);
    expect(d.broker.requests.filter((r) => r === 'GET /v1/sign-in/flow')).toHaveLength(1);
  });

  it('shows the email step quietly when this browser has no flow (a reload)', async () => {
    comeBack();
    const c = await card();
    await until(() => c.broker.requests.includes('GET /v1/sign-in/flow'));
    await until(() => c.heading() === 'Sign in');
    expect(c.alert()).toBe('');
    expect(c.errors).toEqual([]);
    expect(c.el.querySelector('input[autocomplete~="username"]')).not.toBeNull();
  });

  it("shows the reference of a refused SAML response for the organization's IT admin, beside why", async () => {
    comeBack();
    const step = { step: 'idp-error', reason: 'idp_error', to: { kind: 'sso', name: 'Globex' }, return_to: null, reference: 'rej_7T2H95N1yGl6sADScpS0RQ' } as const;
    const c = await card({}, { script: (b) => (b.nextResume = step) });
    await until(() => c.heading() === "Signing in with Globex didn't work");
    expect(c.el.querySelector('.lk-hint')!.textContent).toBe('Reference for your IT admin: rej_7T2H95N1yGl6sADScpS0RQ');
    expect(await axeViolations(c.el)).toEqual([]);
  });

  it('shows the next requirement the flow asks for', async () => {
    comeBack();
    const c = await card({}, { script: (b) => (b.nextResume = { step: 'password', email: 'cy@devhub.test', methods: ['password'] }) });
    await until(() => c.heading() === 'Enter your password');
  });

  const screens: Array<[IdpErrorReason, string, RegExp]> = [
    ['access_denied', 'Sign-in was cancelled', /DevHub didn't sign you in/],
    ['idp_unreachable', "DevHub didn't respond", /Try again in a moment/],
    ['not_linkable', "This DevHub account can't be linked to an existing account", /connect DevHub from your account settings/],
    ['idp_error', "Signing in with DevHub didn't work", /Something went wrong on their side/],
  ];
  it.each(screens)('says %s clearly, announces it, and "Back to sign in" keeps return_to', async (reason, title, text) => {
    comeBack();
    const c = await card(
      {},
      { script: (b) => (b.nextResume = { step: 'idp-error', reason, to: { kind: 'social', name: 'DevHub', icon: 'github' }, return_to: 'https://app.test/notes' }) },
    );
    await until(() => c.heading() === title);
    expect(c.alert()).toMatch(text);
    // The alert is a live region, and focus is on the way back, so the user acts at once.
    expect(c.el.querySelector('.lk-alert')!.getAttribute('role')).toBe('alert');
    await until(() => document.activeElement === c.button('Back to sign in'));
    expect(c.el.shadowRoot!.querySelector('.announcer')!.textContent).toBe(title);
    expect(await axeViolations(c.el)).toEqual([]);

    c.button('Back to sign in')!.click();
    await until(() => c.heading() === 'Sign in');
    await until(() => document.activeElement === c.el.querySelector('input[autocomplete~="username"]'));
    const sent = bodiesSentTo(c.el.client!, '/v1/sign-in/identify');

    type(c.el.querySelector<HTMLInputElement>('input[autocomplete~="username"]')!, 'cy@devhub.test');
    c.el.querySelector('form')!.requestSubmit();
    await until(() => sent.length === 1);
    expect(sent.map((b) => b.return_to)).toEqual(['https://app.test/notes']);
  });
});
