import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/sign-in.js';
import type { LkSignIn } from '@latchkey/elements/sign-in.js';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { storyAuthenticator, withAuthenticator } from './support/authenticator.js';
import { alertText, expectAlert, expectHeading, expectMessage, fieldError, storyElement } from './support/shadow.js';

const email = 'ada@example.com';
const password = 'correct horse battery staple';
const account = { accounts: { [email]: password } };

/** lk-sign-in on the in-memory broker: one story per state a designer reviews. */
const meta = {
  title: 'Elements/Sign in',
  component: 'lk-sign-in',
  loaders: [withBroker(account)],
  render: (_args, { loaded, globals }) =>
    html`<lk-sign-in theme=${elementTheme(globals)} sign-up-url="#sign-up" .client=${loadedBroker(loaded).client}></lk-sign-in>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

/** What a play function needs: the element, its light-DOM form, and the broker behind it. */
async function card(canvasElement: HTMLElement) {
  const el = await storyElement<LkSignIn>(canvasElement, 'lk-sign-in');
  return { el, form: within(el) };
}

async function submitEmail(canvasElement: HTMLElement, address = email) {
  const c = await card(canvasElement);
  await userEvent.type(c.form.getByLabelText('Email'), address);
  await userEvent.click(c.form.getByRole('button', { name: 'Continue' }));
  return c;
}

async function toPasswordStep(canvasElement: HTMLElement) {
  const c = await submitEmail(canvasElement);
  await expectHeading(c.el, 'Enter your password');
  return c;
}

async function toCodeStep(canvasElement: HTMLElement) {
  const c = await toPasswordStep(canvasElement);
  await userEvent.click(c.form.getByRole('button', { name: 'Email me a sign-in code' }));
  await expectHeading(c.el, 'Check your email');
  return c;
}

/** A six-digit code that is not the one mailed. */
function wrongCode(mailed: string) {
  return mailed === '000000' ? '111111' : '000000';
}

export const Empty: Story = {
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'Sign in');
    const field = form.getByLabelText<HTMLInputElement>('Email');
    await expect(field.value).toBe('');
    await expect(field.autocomplete).toBe('username webauthn');
    await expect(form.getByRole('button', { name: 'Continue' })).toBeVisible();
    await expect(alertText(el)).toBe('');
  },
};

export const FilledEmail: Story = {
  name: 'Filled email',
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await userEvent.type(form.getByLabelText('Email'), email);
    await expect(form.getByLabelText<HTMLInputElement>('Email').value).toBe(email);
    await expect(form.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'false');
    await expectHeading(el, 'Sign in');
  },
};

export const Loading: Story = {
  // The broker takes an hour to answer, so the card stays in its loading state.
  loaders: [withBroker({ ...account, latency: 3_600_000 })],
  play: async ({ canvasElement }) => {
    const { el, form } = await submitEmail(canvasElement);
    const button = form.getByRole('button', { name: 'Continue' });
    await waitFor(() => expect(button).toHaveAttribute('aria-disabled', 'true'));
    await expect(el.matches(':state(loading)')).toBe(true);
    await expectHeading(el, 'Sign in');
  },
};

export const EmailMissing: Story = {
  name: 'Email missing',
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await card(canvasElement);
    await userEvent.click(form.getByRole('button', { name: 'Continue' }));
    const field = form.getByLabelText<HTMLInputElement>('Email');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    await expect(fieldError(field)).toBe('Enter your email address.');
    // Nothing of the form was sent (the passkey options and the configuration on load are the first screen's).
    await expect(loadedBroker(loaded).broker.requests.filter((r) => !r.startsWith('POST /v1/passkeys/') && r !== 'GET /v1/config')).toEqual([]);
    await expectHeading(el, 'Sign in');
  },
};

export const EmailInvalid: Story = {
  name: 'Email invalid',
  play: async ({ canvasElement, loaded }) => {
    const { form } = await submitEmail(canvasElement, 'ada.example.com');
    const field = form.getByLabelText<HTMLInputElement>('Email');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    await expect(fieldError(field)).toBe('Enter a valid email address, like name@example.com.');
    // Nothing of the form was sent (the passkey options and the configuration on load are the first screen's).
    await expect(loadedBroker(loaded).broker.requests.filter((r) => !r.startsWith('POST /v1/passkeys/') && r !== 'GET /v1/config')).toEqual([]);
  },
};

export const PasswordStep: Story = {
  name: 'Password step',
  play: async ({ canvasElement }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Password');
    await expect(field.autocomplete).toBe('current-password');
    await expect(el.textContent).toContain(email);
    await expect(form.getByRole('button', { name: 'Forgot password?' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Email me a sign-in code' })).toBeVisible();
  },
};

export const WrongPassword: Story = {
  name: 'Wrong password',
  play: async ({ canvasElement }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    await userEvent.type(form.getByLabelText('Password'), 'not my password');
    await userEvent.click(form.getByRole('button', { name: 'Sign in' }));
    await expectAlert(el, "That email and password don't match. Try again, or reset your password.");
    await expectHeading(el, 'Enter your password');
  },
};

export const EmailCodeStep: Story = {
  name: 'Email code step',
  play: async ({ canvasElement }) => {
    const { el, form } = await toCodeStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Verification code');
    await expect(field.autocomplete).toBe('one-time-code');
    await expect(field.inputMode).toBe('numeric');
    await expect(el.shadowRoot!.textContent).toContain(`We sent a 6-digit code to \u2068${email}\u2069.`);
    await expect(form.getByRole('button', { name: /^Resend in \d+ s$/ })).toBeDisabled();
  },
};

export const WrongCode: Story = {
  name: 'Wrong code (tries left)',
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toCodeStep(canvasElement);
    // Six digits submit on their own, as a pasted or autofilled code does.
    await userEvent.type(form.getByLabelText('Verification code'), wrongCode(loadedBroker(loaded).broker.lastCode(email)));
    await expectMessage(el, /That code isn't right\..*4 tries left\./);
    await expectHeading(el, 'Check your email');
  },
};

export const TooManyAttempts: Story = {
  name: 'Too many attempts',
  play: async ({ canvasElement, loaded }) => {
    const { broker } = loadedBroker(loaded);
    const { el, form } = await toCodeStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Verification code');
    // Five wrong codes use up the flow, as on the broker.
    for (let left = 4; left >= 0; left--) {
      await userEvent.clear(field);
      await userEvent.type(field, wrongCode(broker.lastCode(email)));
      await expectMessage(el, left > 0 ? new RegExp(`${left} tr(y|ies) left`) : /Too many wrong codes\. Ask for a new code/);
    }
    await expectHeading(el, 'Check your email');
  },
};

export const RateLimited: Story = {
  name: 'Rate limited',
  loaders: [withBroker(account, (broker) => broker.failNext.set('/v1/sign-in/identify', 'rate_limited'))],
  play: async ({ canvasElement }) => {
    const { el } = await submitEmail(canvasElement);
    await expectAlert(el, 'Too many attempts. Try again in 15 minutes.');
    await expectHeading(el, 'Sign in');
  },
};

export const AccountSuspended: Story = {
  name: 'Account suspended',
  // The operator suspended the account (admin API): said only once the password was right.
  loaders: [withBroker(account, (broker) => broker.failNext.set('/v1/sign-in/password', 'account_suspended'))],
  play: async ({ canvasElement }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    await userEvent.type(form.getByLabelText('Password'), password);
    await userEvent.click(form.getByRole('button', { name: 'Sign in' }));
    await expectAlert(el, 'This account is suspended. Contact the site’s support.');
    await expectHeading(el, 'Enter your password');
  },
};

export const ServiceUnavailable: Story = {
  name: 'Service unavailable',
  // The broker's database is briefly out of reach (503 service_unavailable): trying again is the answer.
  loaders: [withBroker(account, (broker) => broker.failNext.set('/v1/sign-in/identify', 'service_unavailable'))],
  play: async ({ canvasElement }) => {
    const { el } = await submitEmail(canvasElement);
    await expectAlert(el, 'Something went wrong on our side. Try again in a moment.');
    await expectHeading(el, 'Sign in');
  },
};

export const ResetPasswordStep: Story = {
  name: 'Reset password step',
  play: async ({ canvasElement }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    await userEvent.click(form.getByRole('button', { name: 'Forgot password?' }));
    await expectHeading(el, 'Reset your password');
    await expect(form.getByLabelText<HTMLInputElement>('Verification code').autocomplete).toBe('one-time-code');
    await expect(form.getByLabelText<HTMLInputElement>('New password').autocomplete).toBe('new-password');
    await expect(form.getByRole('button', { name: 'Set new password' })).toBeVisible();
  },
};

export const ResetWeakPassword: Story = {
  name: 'Reset: weak new password',
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    await userEvent.click(form.getByRole('button', { name: 'Forgot password?' }));
    await expectHeading(el, 'Reset your password');
    await userEvent.type(form.getByLabelText('Verification code'), loadedBroker(loaded).broker.lastCode(email));
    // Long enough for the browser's check; the broker knows it (a common password, l33t and punctuated).
    await userEvent.type(form.getByLabelText('New password'), 'Qwerty123!');
    await userEvent.click(form.getByRole('button', { name: 'Set new password' }));
    const field = form.getByLabelText<HTMLInputElement>('New password');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    await expect(fieldError(field)).toBe('This is a common password, or too close to one. Choose something less predictable.');
    await waitFor(() => expect(field).toHaveFocus());
    await expect(alertText(el)).toBe('');
    await expectHeading(el, 'Reset your password');
  },
};

export const BrokerUnreachable: Story = {
  name: 'Broker unreachable',
  loaders: [withBroker(account, (broker) => broker.failNext.set('/v1/sign-in/identify', 'network'))],
  play: async ({ canvasElement }) => {
    const { el } = await submitEmail(canvasElement);
    await expectAlert(el, "We can't reach the sign-in service. Check your connection and try again.");
    await expectHeading(el, 'Sign in');
  },
};

export const StepFailedToLoad: Story = {
  name: 'Step failed to load',
  // The password step's chunk cannot be fetched (the connection dropped after the first screen).
  render: (_args, { loaded, globals }) =>
    html`<lk-sign-in
      theme=${elementTheme(globals)}
      sign-up-url="#sign-up"
      .client=${loadedBroker(loaded).client}
      .stepImport=${() => Promise.reject(new TypeError('Failed to fetch dynamically imported module'))}
    ></lk-sign-in>`,
  play: async ({ canvasElement }) => {
    const { el, form } = await submitEmail(canvasElement);
    await expectAlert(el, "The next step couldn't load. Check your connection and try again.");
    await expect(form.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(form.queryByLabelText('Email')).toBeNull();
    await expectHeading(el, 'Sign in');
  },
};

export const NotConfigured: Story = {
  name: 'Not configured',
  // No client, no broker attribute, no <lk-config>: the page forgot to say where the broker is.
  render: (_args, { globals }) => html`<lk-sign-in theme=${elementTheme(globals)}></lk-sign-in>`,
  play: async ({ canvasElement }) => {
    const { el } = await submitEmail(canvasElement);
    await expectAlert(el, "Sign-in isn't set up on this page yet.");
  },
};

export const SignedIn: Story = {
  name: 'Signed in',
  play: async ({ canvasElement }) => {
    const { el, form } = await toPasswordStep(canvasElement);
    await userEvent.type(form.getByLabelText('Password'), password);
    await userEvent.click(form.getByRole('button', { name: 'Sign in' }));
    await expectHeading(el, "You're signed in");
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent(email);
    await expect(el.matches(':state(step-done)')).toBe(true);
  },
};

export const German: Story = {
  name: 'German (de)',
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'Anmelden');
    await userEvent.type(form.getByLabelText('E-Mail'), email);
    await userEvent.click(form.getByRole('button', { name: 'Weiter' }));
    await expectHeading(el, 'Passwort eingeben');
  },
};

export const Arabic: Story = {
  name: 'Arabic (ar, right to left)',
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'تسجيل الدخول');
    await expect(getComputedStyle(el).direction).toBe('rtl');
    await userEvent.type(form.getByLabelText('البريد الإلكتروني'), email);
    await userEvent.click(form.getByRole('button', { name: 'متابعة' }));
    await expectHeading(el, 'أدخل كلمة المرور');
  },
};

// Passkeys, on a broker that offers them (Ada has one) and the fake authenticator in place of
// the browser's WebAuthn (`installFakeAuthenticator` of @latchkey/testing).
const passkeyBroker = withBroker({ ...account, methods: ['password', 'email-code', 'passkey'], passkeys: { [email]: [{ name: 'MacBook' }] } });

/** The card once the broker answered with passkey options: the button shows, autofill waits. Ada's passkey is on the device. */
async function passkeyOffered(canvasElement: HTMLElement, loaded: Record<string, unknown>, onDevice = true) {
  const c = await card(canvasElement);
  if (onDevice) storyAuthenticator().credentials.push(...loadedBroker(loaded).broker.credentialsFor(email));
  const button = await waitFor(() => c.form.getByRole('button', { name: 'Sign in with a passkey' }));
  return { ...c, button };
}

export const PasskeyOffered: Story = {
  name: 'Passkey: offered, and in autofill',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator(),
  play: async ({ canvasElement, loaded }) => {
    const { el, button, form } = await passkeyOffered(canvasElement, loaded);
    await expect(button).toBeVisible();
    await expect(form.getByLabelText<HTMLInputElement>('Email').autocomplete).toBe('username webauthn');
    await waitFor(() => expect(storyAuthenticator().ceremonies.some((x) => x.mediation === 'conditional')).toBe(true));
    await expectHeading(el, 'Sign in');
  },
};

export const PasskeyWaiting: Story = {
  name: 'Passkey: waiting for the device',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator('never'),
  play: async ({ canvasElement, loaded }) => {
    const { button, form } = await passkeyOffered(canvasElement, loaded);
    await userEvent.click(button);
    await waitFor(() => expect(form.getByRole('button', { name: 'Waiting for your passkey…' })).toHaveAttribute('aria-disabled', 'true'));
    await expect(form.getByRole('button', { name: 'Continue' })).toBeVisible();
  },
};

export const PasskeyCancelled: Story = {
  name: 'Passkey: dialog cancelled',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator('cancel'),
  play: async ({ canvasElement, loaded }) => {
    const { el, button, form } = await passkeyOffered(canvasElement, loaded);
    await userEvent.click(button);
    await waitFor(() => expect(alertText(el)).toBe('The passkey request was cancelled. Try again, or use another way.'));
    // Every other way in stays: the email form works as before.
    await expect(form.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
    await expect(form.getByLabelText('Email')).toBeEnabled();
  },
};

export const PasskeyTimedOut: Story = {
  name: 'Passkey: timed out',
  loaders: [withBroker({ ...account, methods: ['password', 'email-code', 'passkey'], passkeyTimeout: 1_200 })],
  beforeEach: withAuthenticator('timeout'),
  play: async ({ canvasElement, loaded }) => {
    const { el, button } = await passkeyOffered(canvasElement, loaded, false);
    await userEvent.click(button);
    await waitFor(() => expect(alertText(el)).toBe('The passkey request timed out. Try again, or use another way.'), { timeout: 3000 });
  },
};

export const PasskeyNoneOnDevice: Story = {
  name: 'Passkey: none on this device',
  loaders: [passkeyBroker],
  // The browser's dialog finds no passkey for this site; the user closes it.
  beforeEach: withAuthenticator('cancel'),
  play: async ({ canvasElement, loaded }) => {
    const { el, button } = await passkeyOffered(canvasElement, loaded, false);
    await expect(storyAuthenticator().credentials).toEqual([]);
    await userEvent.click(button);
    await waitFor(() => expect(alertText(el)).toBe('The passkey request was cancelled. Try again, or use another way.'));
    await expectHeading(el, 'Sign in');
  },
};

export const PasskeyUnsupported: Story = {
  name: 'Passkey: browser without passkeys',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator('unsupported'),
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'Sign in');
    // No button, no request for passkey options: the email form is the way in.
    await expect(form.queryByRole('button', { name: 'Sign in with a passkey' })).toBeNull();
    await expect(loadedBroker(loaded).broker.requests).not.toContain('POST /v1/passkeys/sign-in/options');
    await expect(form.getByRole('button', { name: 'Continue' })).toBeVisible();
  },
};

export const PasskeySignedIn: Story = {
  name: 'Passkey: signed in from autofill',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator(),
  play: async ({ canvasElement, loaded }) => {
    const { el } = await passkeyOffered(canvasElement, loaded);
    await waitFor(() => expect(storyAuthenticator().ceremonies.some((x) => x.mediation === 'conditional')).toBe(true));
    storyAuthenticator().pickAutofill();
    await expectHeading(el, "You're signed in");
  },
};

// After a password reset, an account with passkeys is shown them before it signs in again: a
// copied session could have added one, and a passkey outlives the reset (README "Passkeys").
const reviewBroker = withBroker({
  ...account,
  methods: ['password', 'email-code', 'passkey'],
  passkeys: { [email]: [{ name: 'Work laptop', lastUsedAt: '2026-12-01T09:00:00.000Z' }, { name: 'Unknown', synced: false }] },
});

/** Email, "Forgot password?", the mailed code and a new password: the card lists Ada's passkeys. */
async function toPasskeyReview(canvasElement: HTMLElement, loaded: Record<string, unknown>) {
  const c = await toPasswordStep(canvasElement);
  await userEvent.click(c.form.getByRole('button', { name: 'Forgot password?' }));
  await expectHeading(c.el, 'Reset your password');
  await userEvent.type(c.form.getByLabelText('Verification code'), loadedBroker(loaded).broker.lastCode(email));
  await userEvent.type(c.form.getByLabelText('New password'), 'a brand new passphrase');
  await userEvent.click(c.form.getByRole('button', { name: 'Set new password' }));
  await expectHeading(c.el, 'Check your passkeys');
  return c;
}

export const PasskeyReview: Story = {
  name: 'Check your passkeys after a reset',
  loaders: [reviewBroker],
  play: async ({ canvasElement, loaded }) => {
    const { form } = await toPasskeyReview(canvasElement, loaded);
    await expect(form.getByRole('status')).toHaveTextContent('Your password was changed. Sign in with the new one.');
    await expect(form.getByRole('button', { name: 'Remove Work laptop' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Remove Unknown' })).toBeVisible();
    await waitFor(() => expect(form.getByRole('button', { name: 'Remove Work laptop' })).toHaveFocus());
    await expect(form.getByRole('button', { name: 'Continue to sign in' })).toBeVisible();
  },
};

export const PasskeyRemovedAfterReset: Story = {
  name: 'Passkey removed after a reset',
  loaders: [reviewBroker],
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toPasskeyReview(canvasElement, loaded);
    await userEvent.click(form.getByRole('button', { name: 'Remove Unknown' }));
    await waitFor(() => expect(form.queryByRole('button', { name: 'Remove Unknown' })).toBeNull());
    await waitFor(() => expect(el.shadowRoot!.querySelector('[aria-live="polite"]')).toHaveTextContent('Removed Unknown'));
    // The one left takes the focus; the broker no longer has the removed passkey.
    await waitFor(() => expect(form.getByRole('button', { name: 'Remove Work laptop' })).toHaveFocus());
    await expect(loadedBroker(loaded).broker.users.get(email)!.passkeys.map((p) => p.name)).toEqual(['Work laptop']);
  },
};

export const PasskeyReviewExpired: Story = {
  name: 'Passkey review expired',
  loaders: [reviewBroker],
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toPasskeyReview(canvasElement, loaded);
    // Fifteen minutes later (or another browser): the broker no longer takes removals for this review.
    loadedBroker(loaded).broker.failNext.set('/v1/password-reset/passkeys/remove', 'code_expired');
    await userEvent.click(form.getByRole('button', { name: 'Remove Unknown' }));
    await expectAlert(el, 'This list has expired. You can still remove passkeys from your account page once you have signed in.');
    await expect(form.queryByRole('button', { name: /^Remove/ })).toBeNull();
    await waitFor(() => expect(form.getByRole('button', { name: 'Continue to sign in' })).toHaveFocus());
  },
};

// Social sign-in and enterprise SSO (issue 21). The page never leaves: `navigate` stands in for
// `location.assign`, and the trip back from the IdP is the URL's `lk_resume` with the broker's
// scripted answer (`nextResume`).

const DEVHUB = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;
const FOUR_PROVIDERS = [DEVHUB, { id: 'google', name: 'Google', icon: 'google' }, { id: 'microsoft', name: 'Microsoft', icon: 'microsoft' }, { id: 'apple', name: 'Apple', icon: 'apple' }] as const;
const went: string[] = [];
const socialRender: Story['render'] = (_args, { loaded, globals }) =>
  html`<lk-sign-in theme=${elementTheme(globals)} sign-up-url="#sign-up" .client=${loadedBroker(loaded).client} .navigate=${(url: string) => went.push(url)}></lk-sign-in>`;

/**
 * The page as the broker's callback sends the browser back to it: `lk_resume` on the URL, set
 * as the element is made (Storybook itself rewrites the URL while it loads a story).
 */
const resumeRender: Story['render'] = (_args, { loaded, globals }) => {
  const url = new URL(location.href);
  url.searchParams.set('lk_resume', '1');
  history.replaceState(history.state, '', url);
  // A template of its own: with the same one, Lit would keep the previous story's element, which read the URL already.
  return html`<lk-sign-in theme=${elementTheme(globals)} .client=${loadedBroker(loaded).client} .navigate=${(u: string) => went.push(u)} data-resumed></lk-sign-in>`;
};

async function socialButtons(canvasElement: HTMLElement, last: string) {
  const c = await card(canvasElement);
  await waitFor(() => expect(c.form.getByRole('button', { name: last })).toBeVisible());
  return c;
}

export const SocialOne: Story = {
  name: 'Social: one provider',
  loaders: [withBroker({ ...account, social: [DEVHUB] })],
  render: socialRender,
  play: async ({ canvasElement }) => {
    const { el, form } = await socialButtons(canvasElement, 'Continue with DevHub');
    await expectHeading(el, 'Sign in');
    await expect(form.getByText('or')).toBeVisible();
  },
};

export const SocialFour: Story = {
  name: 'Social: four providers',
  loaders: [withBroker({ ...account, social: [...FOUR_PROVIDERS] })],
  render: socialRender,
  play: async ({ canvasElement }) => {
    const { form } = await socialButtons(canvasElement, 'Continue with Apple');
    const names = form.getAllByRole('button').map((b) => b.textContent!.trim());
    await expect(names).toEqual(['Continue', 'Continue with DevHub', 'Continue with Google', 'Continue with Microsoft', 'Continue with Apple']);
  },
};

export const SocialArabic: Story = {
  name: 'Social: four providers (ar, right to left)',
  loaders: [withBroker({ ...account, social: [...FOUR_PROVIDERS] })],
  globals: { locale: 'ar' },
  render: socialRender,
  play: async ({ canvasElement }) => {
    await socialButtons(canvasElement, 'المتابعة باستخدام Apple');
  },
};

export const SocialRedirecting: Story = {
  name: 'Social: redirecting to DevHub',
  loaders: [withBroker({ ...account, social: [DEVHUB] })],
  render: socialRender,
  play: async ({ canvasElement }) => {
    const { el, form } = await socialButtons(canvasElement, 'Continue with DevHub');
    await userEvent.click(form.getByRole('button', { name: 'Continue with DevHub' }));
    await expectHeading(el, 'Continue to DevHub');
    await expect(form.getByRole('status')).toHaveTextContent('Redirecting…');
    await expect(form.getByRole('link', { name: 'Continue' })).toHaveAttribute('href', expect.stringMatching(/^https:\/\/idp\.latchkey\.test\/devhub\//));
    await expect(went.at(-1)).toMatch(/devhub\/authorize/);
  },
};

export const SsoRedirect: Story = {
  name: 'SSO: Continue to Acme',
  loaders: [withBroker({ ...account, ssoDomains: { 'acme.test': 'Acme' } })],
  render: socialRender,
  play: async ({ canvasElement }) => {
    const { el } = await submitEmail(canvasElement, 'ana@acme.test');
    await expectHeading(el, 'Continue to Acme');
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent('Acme signs you in with its own sign-in page.');
    await expect(el.matches(':state(step-sso-redirect)')).toBe(true);
  },
};

export const Resuming: Story = {
  name: 'Back from the IdP: signing in',
  loaders: [withBroker(account, (broker) => broker.stalled.add('/v1/sign-in/flow'))],
  render: resumeRender,
  play: async ({ canvasElement }) => {
    const { el } = await card(canvasElement);
    await expectHeading(el, 'Signing you in…');
    await expect(el.matches(':state(resuming)')).toBe(true);
    await expect(new URL(location.href).searchParams.has('lk_resume')).toBe(false);
  },
};

export const ResumedSignedIn: Story = {
  name: 'Back from the IdP: signed in',
  loaders: [withBroker(account, (broker) => (broker.nextResume = { doneAs: 'cy@devhub.test' }))],
  render: resumeRender,
  play: async ({ canvasElement }) => {
    const { el } = await card(canvasElement);
    await expectHeading(el, "You're signed in");
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent('cy@devhub.test');
  },
};

/** The IdP error screen for `reason`, as the resumed flow answers it. */
function idpError(reason: 'access_denied' | 'idp_unreachable' | 'not_linkable' | 'idp_error', title: string, text: RegExp): Story {
  return {
    loaders: [withBroker(account, (broker) => (broker.nextResume = { step: 'idp-error', reason, to: { kind: 'social', name: 'DevHub', icon: 'github' }, return_to: null }))],
    render: resumeRender,
    play: async ({ canvasElement }) => {
      const { el, form } = await card(canvasElement);
      await expectHeading(el, title);
      await expectAlert(el, text);
      await expect(form.getByRole('button', { name: 'Back to sign in' })).toBeVisible();
    },
  };
}

// Each with its name written out: Storybook's index reads a story's name only from its own object.
export const IdpCancelled: Story = { ...idpError('access_denied', "Sign-in was cancelled", /DevHub didn't sign you in/), name: 'IdP error: cancelled' };
export const IdpUnreachable: Story = { ...idpError('idp_unreachable', "DevHub didn't respond", /Try again in a moment/), name: "IdP error: DevHub didn't respond" };
export const IdpNotLinkable: Story = {
  ...idpError('not_linkable', "This DevHub account can't be linked to an existing account", /connect DevHub from your account settings/),
  name: 'IdP error: account not linkable',
};
export const IdpFailed: Story = { ...idpError('idp_error', "Signing in with DevHub didn't work", /Something went wrong on their side/), name: 'IdP error: failed' };
/** A SAML response the organization's connection refused: the reference to give the IT admin. */
export const IdpSamlRejected: Story = {
  name: 'IdP error: SAML response refused, with a reference',
  loaders: [
    withBroker(account, (broker) => (broker.nextResume = { step: 'idp-error', reason: 'idp_error', to: { kind: 'sso', name: 'Globex' }, return_to: null, reference: 'rej_7T2H95N1yGl6sADScpS0RQ' })),
  ],
  render: resumeRender,
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, "Signing in with Globex didn't work");
    await expect(form.getByText('Reference for your IT admin: rej_7T2H95N1yGl6sADScpS0RQ')).toBeVisible();
    await expect(form.getByRole('button', { name: 'Back to sign in' })).toBeVisible();
  },
};

// The second factor (issue 23): Ada has an authenticator app (its code now is 246810) and
// recovery codes, so the broker asks for one of them after her password.

const TOTP = '246810';
const mfaBroker = withBroker({ ...account, totp: { [email]: TOTP }, recoveryCodes: { [email]: ['4f9k2-x7m3q', 'b8d1z-p0w5n'] } });

async function toMfaStep(canvasElement: HTMLElement) {
  const c = await toPasswordStep(canvasElement);
  await userEvent.type(c.form.getByLabelText('Password'), password);
  await userEvent.click(c.form.getByRole('button', { name: 'Sign in' }));
  await expectHeading(c.el, 'Two-step verification');
  return c;
}

export const MfaStep: Story = {
  name: 'MFA: authenticator code',
  loaders: [mfaBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toMfaStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Authentication code');
    await expect(field.autocomplete).toBe('one-time-code');
    await expect(field.inputMode).toBe('numeric');
    await expect(el.matches(':state(step-mfa)')).toBe(true);
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent('Enter the 6-digit code from your authenticator app.');
    await expect(form.getByRole('button', { name: 'Use a recovery code instead' })).toBeVisible();
    await waitFor(() => expect(field).toHaveFocus());
  },
};

export const MfaRecoveryCode: Story = {
  name: 'MFA: recovery code',
  loaders: [mfaBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toMfaStep(canvasElement);
    await userEvent.click(form.getByRole('button', { name: 'Use a recovery code instead' }));
    const field = await waitFor(() => form.getByLabelText<HTMLInputElement>('Recovery code'));
    await waitFor(() => expect(field).toHaveFocus());
    await expect(field.type).toBe('text');
    await expect(form.getByRole('button', { name: 'Use your authenticator app instead' })).toBeVisible();
    await expect(el.matches(':state(step-mfa)')).toBe(true);
  },
};

export const MfaWrongCode: Story = {
  name: 'MFA: wrong code (tries left)',
  loaders: [mfaBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toMfaStep(canvasElement);
    // Six digits submit on their own, as an autofilled code does.
    await userEvent.type(form.getByLabelText('Authentication code'), '000000');
    await waitFor(() => expect(fieldError(form.getByLabelText<HTMLInputElement>('Authentication code'))).toBe("That code isn't right. 4 tries left."));
    await expect(alertText(el)).toBe('');
    await expectHeading(el, 'Two-step verification');
  },
};

export const MfaTooManyAttempts: Story = {
  name: 'MFA: too many wrong codes',
  loaders: [mfaBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toMfaStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Authentication code');
    // Five wrong codes use up the pending sign-in, as on the broker: only starting again helps.
    for (let left = 4; left >= 0; left--) {
      await userEvent.clear(field);
      await userEvent.type(field, '000000');
      await expectMessage(el, left > 0 ? new RegExp(`${left} tr(y|ies) left`) : /Too many wrong codes\. Go back and sign in again\./);
    }
    await expect(form.getByRole('button', { name: 'Back to sign in' })).toBeVisible();
    await expect(form.queryByRole('button', { name: 'Use a recovery code instead' })).toBeNull();
  },
};

/** Where the broker offers passkeys and Ada has one, a passkey answers the step too. */
export const MfaPasskeyOffered: Story = {
  name: 'MFA: passkey offered',
  loaders: [withBroker({ ...account, methods: ['password', 'email-code', 'passkey'], passkeys: { [email]: [{ name: 'MacBook' }] }, totp: { [email]: TOTP } })],
  play: async ({ canvasElement }) => {
    const { form } = await toMfaStep(canvasElement);
    await expect(form.getByRole('button', { name: 'Use a passkey instead' })).toBeVisible();
    await expect(form.queryByRole('button', { name: 'Use a recovery code instead' })).toBeNull();
  },
};

export const MfaArabic: Story = {
  name: 'MFA: Arabic (ar, right to left)',
  globals: { locale: 'ar' },
  loaders: [mfaBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await userEvent.type(form.getByLabelText('البريد الإلكتروني'), email);
    await userEvent.click(form.getByRole('button', { name: 'متابعة' }));
    await expectHeading(el, 'أدخل كلمة المرور');
    await userEvent.type(form.getByLabelText('كلمة المرور'), password);
    await userEvent.keyboard('{Enter}');
    await expectHeading(el, 'التحقق بخطوتين');
    await expect(form.getByLabelText('رمز المصادقة')).toBeVisible();
  },
};

// ---- Organization MFA: enrolment during sign-in (issue 23 §2) ----

const enrolBroker = withBroker({ ...account, mfaRequiredBy: { [email]: 'Acme' } });

async function toEnrolStep(canvasElement: HTMLElement) {
  const c = await toPasswordStep(canvasElement);
  await userEvent.type(c.form.getByLabelText('Password'), password);
  await userEvent.click(c.form.getByRole('button', { name: 'Sign in' }));
  await expectHeading(c.el, 'Set up two-step verification');
  // The QR code comes in its own chunk, as the step shows.
  await waitFor(() => expect(c.el.querySelector('.lk-qr svg')).not.toBeNull());
  return c;
}

export const MfaEnrolStep: Story = {
  name: 'MFA enrolment: set up the app',
  loaders: [enrolBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toEnrolStep(canvasElement);
    const field = form.getByLabelText<HTMLInputElement>('Verification code');
    await expect(field.autocomplete).toBe('one-time-code');
    await expect(el.matches(':state(step-mfa-enroll)')).toBe(true);
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent('Acme requires two-step verification.');
    await expect(form.getByRole('button', { name: 'Copy key' })).toBeVisible();
    await waitFor(() => expect(field).toHaveFocus());
  },
};

export const MfaEnrolWrongCode: Story = {
  name: 'MFA enrolment: wrong code (tries left)',
  loaders: [enrolBroker],
  play: async ({ canvasElement }) => {
    const { form } = await toEnrolStep(canvasElement);
    await userEvent.type(form.getByLabelText('Verification code'), '000000');
    await waitFor(() => expect(fieldError(form.getByLabelText<HTMLInputElement>('Verification code'))).toBe("That code isn't right. 4 tries left."));
  },
};

export const MfaEnrolRecoveryCodes: Story = {
  name: 'MFA enrolment: recovery codes',
  loaders: [enrolBroker],
  play: async ({ canvasElement }) => {
    const { el, form } = await toEnrolStep(canvasElement);
    await userEvent.type(form.getByLabelText('Verification code'), '246810');
    await expectHeading(el, 'Save your recovery codes');
    await expect(form.getByRole('list', { name: 'Recovery codes' }).querySelectorAll('li')).toHaveLength(10);
    await expect(form.getByRole('button', { name: 'Download' })).toBeVisible();
    await expect(form.getByRole('button', { name: 'Continue' })).toBeVisible();
  },
};
