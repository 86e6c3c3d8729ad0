import { finishPasswordReset } from '@latchkey/client';
import { html } from 'lit';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { addFormStyles } from '../../internal/form-styles.js';
import { explainWeakPassword } from '../../internal/password-messages.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { linkStyles } from '../../internal/templates/links.js';
import { renderCodeField } from '../../internal/templates/code-field.js';
import { renderPasswordField } from '../../internal/templates/password-field.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// The password reset's chunk: lk-sign-in imports it the first time "Forgot password?" is
// answered. What the reset shows grows here (and in modules this one imports, which land
// in the same chunk), never in the element's entry.

addFormStyles(linkStyles);

type ResetOptions = SignInStepOptions<Extract<SignInView, { name: 'reset' }>>;

/** The mailed code and the new password; "Back to sign in" returns to the password step it came from. */
export function render(o: ResetOptions): StepScreen {
  const { step, back } = o.view;
  // The new-password field says why the broker refused it (the reason's message loads with this chunk).
  const form = { ...o.form, fieldErrors: explainWeakPassword(o.form.fieldErrors, o.failure) };
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const values = o.validate(['code', 'new-password']);
    if (values) o.submit((conn, signal) => finishPasswordReset(conn, { flow_id: step.flow_id, code: values.code!, password: values['new-password']! }, { signal }));
  };
  return {
    title: msg('Reset your password'),
    subtitle: msg(str`Enter the code we sent to ${isolate(step.email)} and choose a new password.`),
    form: html`<form class="lk-form" novalidate @submit=${onSubmit}>
      ${renderCodeField(form, { email: step.email, resendAfter: step.resend_after, attemptsLeft: step.attempts_left, resent: o.form.resent, onResend: () => o.resend(step) })}
      ${renderPasswordField(form, {
        name: 'new-password',
        label: msg('New password'),
        autocomplete: 'new-password',
        hint: msg('At least 8 characters.'),
      })}
      ${renderAlert(form.alert)} ${renderSubmit(msg('Set new password'), form.pending)}
      <div class="lk-links">
        <button type="button" class="lk-link" @click=${() => o.goTo({ name: 'password', step: back })}>${msg('Back to sign in')}</button>
      </div>
    </form>`,
  };
}
