import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { DoneStep, EmailCodeStep, SessionState, Step } from '@latchkey/client';
import { LkFormElement } from '../internal/base.js';
import { FlowController } from '../internal/controllers/flow-controller.js';
import { errorMessage } from '../internal/messages.js';
import { renderCard } from '../internal/templates/card.js';
import type { FormState } from '../internal/templates/form-state.js';
import { signUpStyles } from './sign-up.styles.js';
import { renderDetailsStep, renderVerifyStep } from './sign-up.form.js';

/** The steps of signing up. */
export type SignUpView = { name: 'details'; step?: undefined } | { name: 'email-code'; step: EmailCodeStep } | { name: 'done'; step: DoneStep };

/** The one place a broker step becomes a view of lk-sign-up; undefined for a step it cannot show. */
function viewOf(step: Step): SignUpView | undefined {
  if (step.step === 'email-code' && step.purpose === 'sign-up') return { name: 'email-code', step };
  if (step.step === 'done') return { name: 'done', step };
  return undefined;
}

/**
 * @summary Sign-up with email and password, confirmed by a mailed 6-digit code.
 *
 * The account exists only once the code is confirmed. The form renders into
 * the light DOM (slot `form`) so password managers offer to save the new password.
 *
 * @event lk-signed-in - Account created and signed in. `detail: { user, session, return_to }`.
 * @event lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot form - Filled by the element itself with its light-DOM form.
 *
 * @csspart base - The card.
 * @csspart header - Title and subtitle.
 * @csspart title - The step's heading (focused on each step change).
 * @csspart subtitle - The line under the heading.
 * @csspart footer - The "Sign in" line.
 *
 * @cssproperty --lk-color-primary - Buttons, links and focus rings.
 * @cssproperty --lk-color-on-primary - Text on primary buttons.
 * @cssproperty --lk-color-surface - Card and input background.
 * @cssproperty --lk-color-text - Main text.
 * @cssproperty --lk-color-muted - Secondary text.
 * @cssproperty --lk-color-border - Card and input borders.
 * @cssproperty --lk-color-danger - Errors.
 * @cssproperty --lk-color-success - Notices.
 * @cssproperty --lk-radius - Corner radius of inputs and buttons (the card's is 1.4×).
 * @cssproperty --lk-space-s - Small gaps.
 * @cssproperty --lk-space-m - Medium gaps.
 * @cssproperty --lk-space-l - Card padding.
 * @cssproperty --lk-font-family - Typeface.
 * @cssproperty --lk-shadow - Card shadow.
 * @cssproperty --lk-card-max-width - Widest the card grows.
 *
 * @cssstate loading - A request is running.
 * @cssstate step-details - Asking for name, email and password (also step-email-code, step-done).
 */
@localized()
@customElement('lk-sign-up')
export class LkSignUp extends LkFormElement {
  static override styles = signUpStyles;

  /** Where to go after signing up; must be on the broker's allowlist. */
  @property({ attribute: 'return-to' }) returnTo?: string;

  /** Link for "Already have an account? Sign in". */
  @property({ attribute: 'sign-in-url' }) signInUrl?: string;

  private readonly flow = new FlowController<SignUpView>(this, {
    first: { name: 'details' },
    viewOf,
    client: () => this.requireClient(),
    failed: (error) => this.reportError(error),
    entered: (view, previous) => {
      this.fieldErrors = {};
      if (view.name !== previous.name) this.focusTitle();
    },
  });

  /** Signed out somewhere (the user button, another tab): start over instead of showing "welcome". */
  protected override sessionChanged(state: SessionState) {
    if (state.status === 'signed-out' && this.flow.view.name === 'done') this.flow.restart();
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    this.setStates(this.flow.states);
  }

  protected override render() {
    const v = this.flow.view;
    const title =
      v.name === 'details' ? msg('Create your account', { id: 'sign-up.title' })
      : v.name === 'email-code' ? msg('Check your email', { id: 'sign-up.code.title' })
      : msg('Welcome aboard', { id: 'sign-up.done.title' });
    const subtitle =
      v.name === 'details' ? msg('It takes a minute. We will email you a code to confirm your address.', { id: 'sign-up.subtitle' })
      : v.name === 'email-code' ? msg(str`We sent a 6-digit code to ${v.step.email}. Enter it to finish.`, { id: 'sign-up.code.subtitle' })
      : v.step.user.email;
    const footer =
      this.signInUrl && v.name === 'details'
        ? html`${msg('Already have an account?', { id: 'sign-up.have-account' })} <a href=${this.signInUrl}>${msg('Sign in', { id: 'sign-up.sign-in-link' })}</a>`
        : nothing;
    return renderCard(title, subtitle, footer);
  }

  protected override renderForm(): TemplateResult {
    const form: FormState = {
      uid: this.uid,
      fieldErrors: this.fieldErrors,
      pending: this.flow.pending,
      alert: this.flow.renderError(errorMessage) ?? '',
      now: this.flow.now,
    };
    const v = this.flow.view;
    switch (v.name) {
      case 'details':
        return renderDetailsStep({ form, onSubmit: this.submitDetails });
      case 'email-code':
        return renderVerifyStep({
          form,
          email: v.step.email,
          resendAfter: v.step.resend_after,
          onSubmit: this.submitCode,
          onResend: () => this.flow.submit((client, signal) => client.resendEmailCode({ flow_id: v.step.flow_id }, { signal })),
          onStartOver: () => this.flow.restart(),
        });
      case 'done':
        return html``;
    }
  }

  private submitDetails = (event: SubmitEvent) => {
    event.preventDefault();
    const values = this.validate(['name', 'email', 'new-password']);
    if (!values) return;
    this.flow.submit((client, signal) =>
      client.startSignUp(
        {
          email: values.email!,
          password: values['new-password']!,
          ...(values.name ? { name: values.name } : {}),
          ...(this.returnTo ? { return_to: this.returnTo } : {}),
        },
        { signal },
      ),
    );
  };

  private submitCode = (event: SubmitEvent) => {
    event.preventDefault();
    const v = this.flow.view;
    const values = this.validate(['code']);
    if (!values || v.name !== 'email-code') return;
    this.flow.submit((client, signal) => client.finishSignUp({ flow_id: v.step.flow_id, code: values.code! }, { signal }));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lk-sign-up': LkSignUp;
  }
}
