import { html, nothing } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import '@latchkey/elements/mfa.js';
import type { LkMfa } from '@latchkey/elements/mfa.js';
import type { FakeBroker, FakeBrokerOptions } from '@latchkey/testing';
import { loadedBroker, withBroker } from './support/story-broker.js';
import { elementTheme } from './support/themes.js';
import { expectHeading, storyElement } from './support/shadow.js';

const email = 'ada@example.com';
const password = 'correct horse battery staple';
/** The pending sign-in the challenge stories answer (as a password sign-in of Ada leaves it). */
const FLOW = 'flw_mfa_story';

const signedIn: FakeBrokerOptions = { accounts: { [email]: password }, signedInAs: email, clock: () => Date.parse('2026-12-01T12:00:00Z') };
const pending: FakeBrokerOptions = {
  accounts: { [email]: password },
  totp: { [email]: '246810' },
  recoveryCodes: { [email]: ['4f9k2-x7m3q', 'b8d1z-p0w5n'] },
};
/** Ada's password passed; her second factor is asked (the broker's `mfa` flow). */
const waitingForSecondFactor = (broker: FakeBroker) => void broker.mfaFlows.set(FLOW, { id: FLOW, email, first: { method: 'pwd' }, attempts: 0, used: false });

type Args = {
  mode: 'enroll' | 'challenge' | 'recovery-codes';
  methods?: string;
};

/** lk-mfa on the in-memory broker: one story per state of each mode. */
const meta = {
  title: 'Elements/MFA',
  component: 'lk-mfa',
  args: { mode: 'enroll' },
  loaders: [withBroker(signedIn)],
  render: (args, { loaded, globals }) =>
    html`<lk-mfa theme=${elementTheme(globals)} mode=${args.mode} flow-id=${args.mode === 'challenge' ? FLOW : nothing} methods=${args.methods ?? nothing} .client=${loadedBroker(loaded).client}></lk-mfa>`,
} satisfies Meta<Args>;

export default meta;
type Story = StoryObj<Args>;

async function mfa(canvasElement: HTMLElement) {
  const el = await storyElement<LkMfa>(canvasElement, 'lk-mfa');
  return { el, form: within(el as HTMLElement) };
}

export const Enroll: Story = {
  name: 'Enrol: scan the QR code',
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    const field = await waitFor(() => form.getByLabelText<HTMLInputElement>('Verification code'));
    await expectHeading(el, 'Set up your authenticator app');
    await expect(form.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
  },
};

export const EnrollCodes: Story = {
  name: 'Enrol: recovery codes',
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    const field = await waitFor(() => form.getByLabelText<HTMLInputElement>('Verification code'));
    await userEvent.type(field, '123456');
    await expectHeading(el, 'Save your recovery codes');
    await expect(el.querySelectorAll('.lk-codes li')).toHaveLength(10);
    await expect(form.getByRole('button', { name: "I've saved them" })).toBeVisible();
  },
};

export const EnrollDone: Story = {
  name: 'Enrol: on already',
  loaders: [withBroker({ ...signedIn, totp: { [email]: '314159' } })],
  play: async ({ canvasElement }) => {
    const { el } = await mfa(canvasElement);
    await expectHeading(el, 'Two-step verification is on');
    await expect(el.matches(':state(enrolled)')).toBe(true);
  },
};

export const SignedOut: Story = {
  name: 'Signed out',
  loaders: [withBroker({ accounts: { [email]: password } })],
  play: async ({ canvasElement }) => {
    const { el } = await mfa(canvasElement);
    await waitFor(() => expect(el.matches(':state(signed-out)')).toBe(true));
    await expect(el.shadowRoot!.textContent).toContain('Sign in to manage two-step verification.');
  },
};

export const Challenge: Story = {
  name: 'Challenge: authenticator app',
  args: { mode: 'challenge' },
  loaders: [withBroker(pending, waitingForSecondFactor)],
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    await waitFor(() => expect(form.getByLabelText('Authentication code')).toBeVisible());
    await expectHeading(el, 'Two-step verification');
    await expect(form.getByRole('button', { name: 'Use a recovery code instead' })).toBeVisible();
  },
};

export const ChallengeRecoveryCode: Story = {
  name: 'Challenge: recovery code, with a passkey offered',
  args: { mode: 'challenge', methods: 'totp recovery-code passkey' },
  loaders: [withBroker(pending, waitingForSecondFactor)],
  play: async ({ canvasElement }) => {
    const { form } = await mfa(canvasElement);
    await userEvent.click(await waitFor(() => form.getByRole('button', { name: 'Use a recovery code instead' })));
    await waitFor(() => expect(form.getByLabelText('Recovery code')).toBeVisible());
    await expect(form.getByRole('button', { name: 'Use a passkey instead' })).toBeVisible();
  },
};

export const ChallengeSignedIn: Story = {
  name: 'Challenge: signed in',
  args: { mode: 'challenge' },
  loaders: [withBroker(pending, waitingForSecondFactor)],
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    await userEvent.type(await waitFor(() => form.getByLabelText('Authentication code')), '246810');
    await expectHeading(el, "You're signed in");
  },
};

export const RecoveryCodes: Story = {
  name: 'Recovery codes',
  args: { mode: 'recovery-codes' },
  loaders: [withBroker({ ...signedIn, ...pending, signedInAs: email })],
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    await waitFor(() => expect(form.getByRole('button', { name: 'Make new recovery codes' })).toBeVisible());
    await expectHeading(el, 'Recovery codes');
  },
};

export const RecoveryCodesShown: Story = {
  name: 'Recovery codes: ten new ones',
  args: { mode: 'recovery-codes' },
  loaders: [withBroker({ ...signedIn, ...pending, signedInAs: email })],
  play: async ({ canvasElement }) => {
    const { el, form } = await mfa(canvasElement);
    await userEvent.click(await waitFor(() => form.getByRole('button', { name: 'Make new recovery codes' })));
    await expectHeading(el, 'Save your recovery codes');
    await expect(el.querySelectorAll('.lk-codes li')).toHaveLength(10);
  },
};
