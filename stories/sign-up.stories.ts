import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/sign-up.js';
import type { LkSignUp } from '@latchkey/elements/sign-up.js';
import { loadedBroker, withBroker } from './support/story-broker.js';
import type { FakeBroker } from '@latchkey/testing';
import { elementTheme } from './support/themes.js';
import { withAuthenticator } from './support/authenticator.js';
import { alertText, expectHeading, expectMessage, fieldError, storyElement } from './support/shadow.js';

const email = 'grace@example.com';
const password = 'analytical engine';

type Args = { invitation?: string; invite?: string };

/** lk-sign-up on the in-memory broker: one story per state a designer reviews. */
const meta = {
  title: 'Elements/Sign up',
  component: 'lk-sign-up',
  loaders: [withBroker()],
  render: (args, { loaded, globals }) =>
    html`<lk-sign-up theme=${elementTheme(globals)} sign-in-url="#sign-in" .invitation=${args.invitation} .invite=${args.invite} .client=${loadedBroker(loaded).client}></lk-sign-up>`,
} satisfies Meta<Args>;

export default meta;
type Story = StoryObj<Args>;

async function card(canvasElement: HTMLElement) {
  const el = await storyElement<LkSignUp>(canvasElement, 'lk-sign-up');
  return { el, form: within(el) };
}

/** Fills the details form as a user would and sends it. */
async function submitDetails(canvasElement: HTMLElement, details: { name?: string; email?: string; password?: string }) {
  const c = await card(canvasElement);
  if (details.name) await userEvent.type(c.form.getByLabelText('Name (optional)'), details.name);
  if (details.email) await userEvent.type(c.form.getByLabelText('Email'), details.email);
  if (details.password) await userEvent.type(c.form.getByLabelText('Password'), details.password);
  await userEvent.click(c.form.getByRole('button', { name: 'Create account' }));
  return c;
}

async function toCodeStep(canvasElement: HTMLElement) {
  const c = await submitDetails(canvasElement, { name: 'Grace Hopper', email, password });
  await expectHeading(c.el, 'Check your email');
  return c;
}

export const Empty: Story = {
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'Create your account');
    await expect(form.getByLabelText<HTMLInputElement>('Email').autocomplete).toBe('username');
    await expect(form.getByLabelText<HTMLInputElement>('Password').autocomplete).toBe('new-password');
    await expect(form.getByText('At least 8 characters.')).toBeVisible();
    await expect(el.shadowRoot!.querySelector('a[href="#sign-in"]')).toHaveTextContent('Sign in');
  },
};

export const FieldErrors: Story = {
  name: 'Field errors',
  play: async ({ canvasElement, loaded }) => {
    const { form } = await submitDetails(canvasElement, { email: 'grace.example.com', password: 'short' });
    const emailField = form.getByLabelText<HTMLInputElement>('Email');
    const passwordField = form.getByLabelText<HTMLInputElement>('Password');
    await waitFor(() => expect(emailField).toHaveAttribute('aria-invalid', 'true'));
    await expect(fieldError(emailField)).toBe('Enter a valid email address, like name@example.com.');
    await expect(passwordField).toHaveAttribute('aria-invalid', 'true');
    await expect(fieldError(passwordField)).toBe('Use at least 8 characters.');
    // Focus goes to the first field to fix; nothing was sent.
    await waitFor(() => expect(emailField).toHaveFocus());
    // Nothing of the form was sent (the passkey options on load are not the form's).
    await expect(loadedBroker(loaded).broker.requests.filter((r) => r.startsWith('POST /v1/sign-up'))).toEqual([]);
  },
};

/** The broker refused the password: the field says why, in the user's words, and keeps focus. */
async function expectRefused(canvasElement: HTMLElement, label: string, message: string) {
  const { el, form } = await card(canvasElement);
  const passwordField = form.getByLabelText<HTMLInputElement>(label);
  await waitFor(() => expect(passwordField).toHaveAttribute('aria-invalid', 'true'));
  await expect(fieldError(passwordField)).toBe(message);
  await waitFor(() => expect(passwordField).toHaveFocus());
  // Said once, at the field: the form's alert stays empty.
  await expect(alertText(el)).toBe('');
  return el;
}

export const WeakPasswordCommon: Story = {
  name: 'Weak password: common',
  // Long enough for the browser's check; the broker knows it (a common password, l33t and punctuated).
  play: async ({ canvasElement }) => {
    await submitDetails(canvasElement, { email, password: 'Passw0rd!' });
    const el = await expectRefused(canvasElement, 'Password', 'This is a common password, or too close to one. Choose something less predictable.');
    await expectHeading(el, 'Create your account');
  },
};

export const WeakPasswordPattern: Story = {
  name: 'Weak password: pattern',
  play: async ({ canvasElement }) => {
    await submitDetails(canvasElement, { email, password: 'aaaaaaaa' });
    await expectRefused(canvasElement, 'Password', 'Repeated characters, sequences and keyboard runs are easy to guess. Choose something less predictable.');
  },
};

export const WeakPasswordPersonal: Story = {
  name: 'Weak password: personal',
  play: async ({ canvasElement }) => {
    await submitDetails(canvasElement, { name: 'Grace Hopper', email, password: 'GraceHopper1906' });
    await expectRefused(canvasElement, 'Password', "Don't build your password from this site's name, your name or your email address.");
  },
};

export const WeakPasswordTooShort: Story = {
  name: 'Weak password: too short',
  // Four emoji are eight UTF-16 units, enough for the browser's count; the broker counts four characters.
  play: async ({ canvasElement }) => {
    await submitDetails(canvasElement, { email, password: '🦊🌊🎻🧭' });
    await expectRefused(canvasElement, 'Password', 'Use at least 8 characters.');
  },
};

export const WeakPasswordArabic: Story = {
  name: 'Weak password: personal, Arabic (ar)',
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { form } = await card(canvasElement);
    await userEvent.type(form.getByLabelText('البريد الإلكتروني'), email);
    await userEvent.type(form.getByLabelText('كلمة المرور'), 'latchkey2024');
    await userEvent.click(form.getByRole('button', { name: 'إنشاء الحساب' }));
    await expectRefused(canvasElement, 'كلمة المرور', 'لا تبنِ كلمة المرور من اسم هذا الموقع أو اسمك أو بريدك الإلكتروني.');
  },
};

export const CheckYourEmail: Story = {
  name: 'Check your email',
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toCodeStep(canvasElement);
    await expect(el.shadowRoot!.textContent).toContain(`We sent a 6-digit code to \u2068${email}\u2069.`);
    await expect(form.getByLabelText<HTMLInputElement>('Verification code').autocomplete).toBe('one-time-code');
    await expect(form.getByRole('button', { name: 'Verify email' })).toBeVisible();
    // No account until the code is confirmed.
    await expect(loadedBroker(loaded).broker.users.size).toBe(0);
    await expect(alertText(el)).toBe('');
  },
};

export const WrongCode: Story = {
  name: 'Wrong code',
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toCodeStep(canvasElement);
    const mailed = loadedBroker(loaded).broker.lastCode(email);
    await userEvent.type(form.getByLabelText('Verification code'), mailed === '000000' ? '111111' : '000000');
    await expectMessage(el, /That code isn't right\..*4 tries left\./);
    await expectHeading(el, 'Check your email');
  },
};

export const Welcome: Story = {
  play: async ({ canvasElement, loaded }) => {
    const { broker } = loadedBroker(loaded);
    const { el, form } = await toCodeStep(canvasElement);
    await userEvent.type(form.getByLabelText('Verification code'), broker.lastCode(email));
    await expectHeading(el, 'Welcome aboard');
    await expect(el.shadowRoot!.querySelector('[part~="subtitle"]')).toHaveTextContent(email);
    await expect(broker.users.get(email)?.name).toBe('Grace Hopper');
  },
};

export const German: Story = {
  name: 'German (de)',
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'Konto erstellen');
    await userEvent.type(form.getByLabelText('E-Mail'), email);
    await userEvent.type(form.getByLabelText('Passwort'), password);
    await userEvent.click(form.getByRole('button', { name: 'Konto erstellen' }));
    await expectHeading(el, 'Sehen Sie in Ihr Postfach');
  },
};

export const Arabic: Story = {
  name: 'Arabic (ar, right to left)',
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'أنشئ حسابك');
    await expect(getComputedStyle(el).direction).toBe('rtl');
    await userEvent.type(form.getByLabelText('البريد الإلكتروني'), email);
    await userEvent.type(form.getByLabelText('كلمة المرور'), password);
    await userEvent.click(form.getByRole('button', { name: 'إنشاء الحساب' }));
    await expectHeading(el, 'تحقّق من بريدك الإلكتروني');
  },
};

// Passkey-first sign-up, on a broker that offers passkeys and a fake authenticator in place of
// the browser's WebAuthn (`installFakeAuthenticator` of @latchkey/testing).
const passkeyBroker = withBroker({ methods: ['password', 'email-code', 'passkey'] });

/** Name and email, "Create account with a passkey", the mailed code: the passkey step. */
async function toPasskeyStep(canvasElement: HTMLElement, loaded: Record<string, unknown>) {
  const c = await card(canvasElement);
  const offer = await waitFor(() => c.form.getByRole('button', { name: 'Create account with a passkey' }));
  await userEvent.type(c.form.getByLabelText('Name (optional)'), 'Grace Hopper');
  await userEvent.type(c.form.getByLabelText('Email'), email);
  await userEvent.click(offer);
  await expectHeading(c.el, 'Check your email');
  await userEvent.type(c.form.getByLabelText('Verification code'), loadedBroker(loaded).broker.lastCode(email));
  await expectHeading(c.el, 'Create your passkey');
  return c;
}

export const PasskeyOffered: Story = {
  name: 'Passkey: offered',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator(),
  play: async ({ canvasElement }) => {
    const { form } = await card(canvasElement);
    await waitFor(() => expect(form.getByRole('button', { name: 'Create account with a passkey' })).toBeVisible());
  },
};

export const PasskeyCreateStep: Story = {
  name: 'Passkey: create it after the code',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator(),
  play: async ({ canvasElement, loaded }) => {
    const { form } = await toPasskeyStep(canvasElement, loaded);
    await expect(form.getByRole('button', { name: 'Create passkey' })).toBeVisible();
    await expect(loadedBroker(loaded).broker.users.size).toBe(0);
  },
};

export const PasskeyWaiting: Story = {
  name: 'Passkey: waiting for the device',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator('never'),
  play: async ({ canvasElement, loaded }) => {
    const { form } = await toPasskeyStep(canvasElement, loaded);
    await userEvent.click(form.getByRole('button', { name: 'Create passkey' }));
    await waitFor(() => expect(form.getByRole('button', { name: 'Waiting for your passkey…' })).toHaveAttribute('aria-disabled', 'true'));
  },
};

export const PasskeyCancelled: Story = {
  name: 'Passkey: dialog cancelled',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator('cancel'),
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toPasskeyStep(canvasElement, loaded);
    await userEvent.click(form.getByRole('button', { name: 'Create passkey' }));
    await waitFor(() => expect(alertText(el)).toBe('The passkey request was cancelled. Try again, or use another way.'));
    await expect(form.getByRole('button', { name: 'Create passkey' })).toBeVisible();
  },
};

export const PasskeySignedUp: Story = {
  name: 'Passkey: account made',
  loaders: [passkeyBroker],
  beforeEach: withAuthenticator(),
  play: async ({ canvasElement, loaded }) => {
    const { el, form } = await toPasskeyStep(canvasElement, loaded);
    await userEvent.click(form.getByRole('button', { name: 'Create passkey' }));
    await expectHeading(el, 'Welcome aboard');
    await expect(loadedBroker(loaded).broker.users.get(email)?.password).toBeNull();
  },
};

export const Social: Story = {
  name: 'Social: continue with DevHub',
  loaders: [withBroker({ social: [{ id: 'devhub', name: 'DevHub', icon: 'github' }, { id: 'google', name: 'Google', icon: 'google' }] })],
  render: (_args, { loaded, globals }) =>
    html`<lk-sign-up theme=${elementTheme(globals)} sign-in-url="#sign-in" .client=${loadedBroker(loaded).client} .navigate=${() => {}}></lk-sign-up>`,
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await waitFor(() => expect(form.getByRole('button', { name: 'Continue with Google' })).toBeVisible());
    await expectHeading(el, 'Create your account');
    await expect(form.getByRole('button', { name: 'Continue with DevHub' })).toBeVisible();
  },
};

// ---- Invitations and invite links (issue 24) ----

const INVITATION = 'it_story_invitation_0123456789abcdef';
const LINK = 'il_story_link_0123456789abcdefghij';
/** Acme, owned by Bo, has invited grace@example.com as an admin and shares a link for members. */
const acme = (broker: FakeBroker) =>
  void broker.orgs.seed({
    organizations: [
      {
        id: 'org_acme',
        name: 'Acme',
        members: { 'bo@acme.test': 'owner' },
        invitations: [{ email, role: 'admin', token: INVITATION }],
        links: [{ role: 'member', token: LINK, maxUses: 20 }],
      },
    ],
  });
const signedInAsAda = { accounts: { 'ada@example.com': password }, signedInAs: 'ada@example.com' };

/** The card's heading without the isolation marks around names. */
const plainHeading = (el: HTMLElement) => (el.shadowRoot?.querySelector('[part~="title"]')?.textContent ?? '').replace(/[\u2068\u2069]/g, '');

export const Invitation: Story = {
  name: 'Invitation: join Acme',
  args: { invitation: INVITATION },
  loaders: [withBroker({}, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await waitFor(() => expect(plainHeading(el)).toBe('Join Acme'));
    const address = form.getByLabelText<HTMLInputElement>('Email');
    await expect(address).toHaveValue(email);
    await expect(address).toHaveAttribute('readonly');
  },
};

export const InvitationJoined: Story = {
  name: 'Invitation: account made and joined',
  args: { invitation: INVITATION },
  loaders: [withBroker({}, acme)],
  play: async ({ canvasElement, loaded }) => {
    const changed: unknown[] = [];
    canvasElement.addEventListener('lk-org-changed', (e) => changed.push((e as CustomEvent).detail));
    const { el, form } = await card(canvasElement);
    await waitFor(() => expect(plainHeading(el)).toBe('Join Acme'));
    await userEvent.type(form.getByLabelText('Password'), password);
    await userEvent.click(form.getByRole('button', { name: 'Create account' }));
    await expectHeading(el, 'Check your email');
    await userEvent.type(form.getByLabelText('Verification code'), loadedBroker(loaded).broker.lastCode(email));
    await waitFor(() => expect(plainHeading(el)).toBe('You’ve joined Acme'));
    await expect(changed).toEqual([expect.objectContaining({ org_id: 'org_acme' })]);
  },
};

export const InviteLink: Story = {
  name: 'Invite link: join Acme',
  args: { invite: LINK },
  loaders: [withBroker({}, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await waitFor(() => expect(plainHeading(el)).toBe('Join Acme'));
    await expect(form.getByLabelText<HTMLInputElement>('Email')).not.toHaveAttribute('readonly');
  },
};

export const InviteSignedIn: Story = {
  name: 'Invite link: signed in already',
  args: { invite: LINK },
  loaders: [withBroker(signedInAsAda, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await waitFor(() => expect(form.getByRole('button', { name: /Join/ })).toBeVisible());
    await expect(plainHeading(el)).toBe('Join Acme');
  },
};

export const InviteJoined: Story = {
  name: 'Invite link: joined',
  args: { invite: LINK },
  loaders: [withBroker(signedInAsAda, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await userEvent.click(await waitFor(() => form.getByRole('button', { name: /Join/ })));
    await waitFor(() => expect(plainHeading(el)).toBe('You’ve joined Acme'));
  },
};

export const InvitationNotForYou: Story = {
  name: 'Invitation: for another address',
  args: { invitation: INVITATION },
  loaders: [withBroker(signedInAsAda, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await userEvent.click(await waitFor(() => form.getByRole('button', { name: /Join/ })));
    await waitFor(() => expect(alertText(el)).toBe('This invitation was sent to another email address. Sign in with that address to accept it.'));
  },
};

export const InvitationInvalid: Story = {
  name: 'Invitation: expired, used or withdrawn',
  args: { invitation: 'it_expired_0123456789abcdefghij' },
  loaders: [withBroker({}, acme)],
  play: async ({ canvasElement }) => {
    const { el, form } = await card(canvasElement);
    await expectHeading(el, 'This invitation can’t be used');
    await expect(form.getByRole('button', { name: 'Create an account without it' })).toBeVisible();
  },
};

export const InvitationChecking: Story = {
  name: 'Invitation: checking',
  args: { invitation: INVITATION },
  loaders: [withBroker({}, (broker) => (acme(broker), broker.stalled.add(`/v1/invitations/${INVITATION}`)))],
  play: async ({ canvasElement }) => {
    const { el } = await card(canvasElement);
    await expectHeading(el, 'Checking your invitation…');
  },
};

export const InvitationArabic: Story = {
  name: 'Arabic (ar, right to left), invitation',
  args: { invitation: INVITATION },
  globals: { locale: 'ar' },
  loaders: [withBroker({}, acme)],
  play: async ({ canvasElement }) => {
    const { el } = await card(canvasElement);
    await waitFor(() => expect(plainHeading(el)).toBe('الانضمام إلى Acme'));
  },
};
