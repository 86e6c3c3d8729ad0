import { LatchkeyError, verifyMfa } from '@latchkey/client';
import { html, nothing } from 'lit';
import { msg } from '../../internal/localize.js';
import { addFieldCheck } from '../../internal/field-checks.js';
import { addFormStyles } from '../../internal/form-styles.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { submitWhenComplete, triesLeft } from '../../internal/templates/code-field.js';
import { renderField } from '../../internal/templates/field.js';
import { enterTotp, renderTotpField } from '../../internal/templates/totp-field.js';
import { linkStyles } from '../../internal/templates/links.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// The second factor's chunk: lk-sign-in imports it the first time the broker answers `mfa`
// (after a password, a mailed code or a trip to an identity provider), or while the page is idle.

addFormStyles(linkStyles);

// Checked before anything is sent (the app's code: totp-check.ts). A recovery code is sent as typed: the broker ignores case, spaces and dashes.
addFieldCheck((name, _input, value) =>
  name === 'recovery-code' && !/^[a-z\d]{10}$/i.test(value.replace(/[\s-]/g, '')) ? msg('Enter one of your recovery codes, like 4f9k2-x7m3q.', { id: 'mfa.recovery-code-invalid' }) : undefined,
);

type MfaView = Extract<SignInView, { name: 'mfa' }>;

/**
 * "Two-step verification": the authenticator app's six digits (submitted once all are in),
 * or a recovery code, with a link to switch between them; "Use a passkey instead" when the
 * step lists `passkey` (one of the account's passkeys, answering this sign-in's step). A wrong
 * code says at the field how many tries are left; a sign-in that has used them up says to
 * start again.
 */
export function render(o: SignInStepOptions<MfaView>): StepScreen {
  const { step } = o.view;
  const method = o.view.method ?? (step.methods.includes('totp') ? 'totp' : 'recovery-code');
  const field = method === 'totp' ? 'totp' : 'recovery-code';
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const values = o.validate([field]);
    if (values) o.submit((conn, signal) => verifyMfa(conn, { flow_id: step.flow_id, method, code: values[field]! }, { signal }));
  };
  // The other field, empty, with focus in it (the view's name is the same, so the flow leaves focus where it was).
  const switchTo = (next: 'totp' | 'recovery-code') => (event: Event) => {
    const form = (event.currentTarget as HTMLElement).closest('form');
    o.goTo({ ...o.view, method: next });
    requestAnimationFrame(() => form?.querySelector<HTMLInputElement>(`input[name="${next}"]`)?.focus());
  };
  // The account's passkey answers this pending sign-in's step (its own routes), adding the second factor to the first.
  const onPasskey = () => o.submit(async (conn, signal) => (await import('../passkey-sign-in.js')).answerMfaWithPasskey(conn, signal, step.flow_id));
  const other = method === 'totp' ? 'recovery-code' : 'totp';
  const left = step.attempts_left;
  // Once the pending sign-in is spent, no other factor helps: only "Back to sign in" stays.
  const dead = deadEnd(o.failure);
  const offers = (m: 'totp' | 'recovery-code' | 'passkey') => !dead && step.methods.includes(m);
  return {
    title: msg('Two-step verification', { id: 'mfa.title' }),
    subtitle:
      method === 'totp'
        ? enterTotp()
        : msg('Enter one of the recovery codes you saved when you set up two-step verification. Each works once.', { id: 'mfa.recovery-subtitle' }),
    form: html`<form class="lk-form" novalidate @submit=${onSubmit} @input=${submitWhenComplete}> ${method === 'totp'
        ? // Two templates (two call sites), so switching draws a new, empty input instead of reusing the one typed in.
          html`${renderTotpField(o.form, msg('Authentication code', { id: 'mfa.totp-label' }), left)}`
        : html`${renderField(o.form, {
            name: 'recovery-code',
            label: msg('Recovery code', { id: 'mfa.recovery-label' }),
            type: 'text',
            autocomplete: 'off',
            maxlength: 32,
            hint: left > 3 ? msg('Like 4f9k2-x7m3q.', { id: 'mfa.recovery-hint' }) : triesLeft(left),
          })}`} ${renderAlert(dead ?? o.form.alert)} ${renderSubmit(msg('Verify', { id: 'mfa.verify' }), o.form.pending)} <div class="lk-links"> ${offers(other)
          ? html`<button type="button" class="lk-link" @click=${switchTo(other)}>
              ${other === 'recovery-code' ? msg('Use a recovery code instead', { id: 'mfa.use-recovery-code' }) : msg('Use your authenticator app instead', { id: 'mfa.use-totp' })}
            </button>`
          : nothing} ${offers('passkey')
          ? html`<button type="button" class="lk-link" @click=${onPasskey}>${msg('Use a passkey instead', { id: 'mfa.use-passkey' })}</button>`
          : nothing} ${o.back === null ? nothing : html`<button type="button" class="lk-link" @click=${o.back ?? (() => o.goTo({ name: 'identifier' }))}>${msg('Back to sign in')}</button>`} </div> </form>`,
  };
}

/**
 * A second-factor sign-in that cannot go on: its tries are used up, or it expired. The
 * mailed code's "Ask for a new code" does not apply here: the user signs in again.
 */
function deadEnd(failure: unknown): string | undefined {
  if (!(failure instanceof LatchkeyError)) return undefined;
  if (failure.code === 'too_many_attempts') return msg('Too many wrong codes. Go back and sign in again.', { id: 'mfa.too-many-attempts' });
  if (failure.code === 'code_expired') return msg('This sign-in has expired. Go back and sign in again.', { id: 'mfa.expired' });
  return undefined;
}
