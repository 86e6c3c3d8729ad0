import { finishEmailCodeSignIn } from '@latchkey/client';
import { html, nothing } from 'lit';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { addFormStyles } from '../../internal/form-styles.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { linkStyles } from '../../internal/templates/links.js';
import { renderCodeField, submitWhenComplete } from '../../internal/templates/code-field.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// The mailed-code step's chunk: lk-sign-in imports it the first time the broker mails a sign-in code.

addFormStyles(linkStyles);

/**
 * The "Verification code" field (submits once six digits are in), "Resend
 * code", and "Use my password instead" when the step lists `password`.
 */
export function render(o: SignInStepOptions<Extract<SignInView, { name: 'email-code' }>>): StepScreen {
  const { step } = o.view;
  const { email, methods } = step;
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const values = o.validate(['code']);
    if (values) o.submit((conn, signal) => finishEmailCodeSignIn(conn, { flow_id: step.flow_id, code: values.code! }, { signal }));
  };
  return {
    title: msg('Check your email'),
    subtitle: msg(str`We sent a 6-digit code to ${isolate(email)}.`),
    form: html`<form class="lk-form" novalidate @submit=${onSubmit} @input=${submitWhenComplete}>
      ${renderCodeField(o.form, { email, resendAfter: step.resend_after, attemptsLeft: step.attempts_left, resent: o.form.resent, onResend: () => o.resend(step) })}
      ${renderAlert(o.form.alert)} ${renderSubmit(msg('Sign in'), o.form.pending)}
      <div class="lk-links">
        ${methods.includes('password')
          ? html`<button type="button" class="lk-link" @click=${() => o.goTo({ name: 'password', step: { step: 'password', email, methods } })}>
              ${msg('Use my password instead')}
            </button>`
          : nothing}
        <button type="button" class="lk-link" @click=${() => o.goTo({ name: 'identifier', email })}>${msg('Use another email')}</button>
      </div>
    </form>`,
  };
}
