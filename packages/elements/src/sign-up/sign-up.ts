import { html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { EmailCodeStep, User } from '@latchkey/client';
import { LkFlowElement } from '../internal/flow.js';
import { signUpStyles } from './sign-up.styles.js';
import { renderSignUpForm } from './sign-up.form.js';

/** The steps of signing up. */
export type SignUpView = { name: 'details' } | { name: 'email-code'; flow: EmailCodeStep } | { name: 'done'; user: User };

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
export class LkSignUp extends LkFlowElement<SignUpView> {
  static override styles = signUpStyles;

  /** Where to go after signing up; must be on the broker's allowlist. */
  @property({ attribute: 'return-to' }) returnTo?: string;

  /** Link for "Already have an account? Sign in". */
  @property({ attribute: 'sign-in-url' }) signInUrl?: string;

  constructor() {
    super({ name: 'details' });
  }

  protected override render() {
    const v = this.view;
    const title =
      v.name === 'details' ? msg('Create your account', { id: 'sign-up.title' })
      : v.name === 'email-code' ? msg('Check your email', { id: 'sign-up.code.title' })
      : msg('Welcome aboard', { id: 'sign-up.done.title' });
    const subtitle =
      v.name === 'details' ? msg('It takes a minute. We will email you a code to confirm your address.', { id: 'sign-up.subtitle' })
      : v.name === 'email-code' ? msg(str`We sent a 6-digit code to ${v.flow.email}. Enter it to finish.`, { id: 'sign-up.code.subtitle' })
      : v.user.email;
    const footer =
      this.signInUrl && v.name === 'details'
        ? html`${msg('Already have an account?', { id: 'sign-up.have-account' })} <a href=${this.signInUrl}>${msg('Sign in', { id: 'sign-up.sign-in-link' })}</a>`
        : nothing;
    return this.renderCard(title, subtitle, footer);
  }

  protected override renderForm(): TemplateResult {
    return renderSignUpForm(this, this.view);
  }

  /** @internal */
  submitDetails = (event: SubmitEvent) => {
    event.preventDefault();
    const values = this.validate(['name', 'email', 'new-password']);
    if (!values) return;
    this.run(async (client, signal) => ({
      name: 'email-code',
      flow: await client.startSignUp(
        {
          email: values.email!,
          password: values['new-password']!,
          ...(values.name ? { name: values.name } : {}),
          ...(this.returnTo ? { return_to: this.returnTo } : {}),
        },
        { signal },
      ),
    }));
  };

  /** @internal */
  submitCode = (event: SubmitEvent) => {
    event.preventDefault();
    const view = this.view;
    const values = this.validate(['code']);
    if (!values || view.name !== 'email-code') return;
    this.run(async (client, signal) => {
      const done = await client.finishSignUp({ flow_id: view.flow.flow_id, code: values.code! }, { signal });
      this.signedIn(done);
      return { name: 'done', user: done.user };
    });
  };

  /** @internal */
  resend = (flow: EmailCodeStep) =>
    this.run(async (client, signal) => ({ name: 'email-code', flow: await client.resendEmailCode({ flow_id: flow.flow_id }, { signal }) }));

  /** @internal */
  startOver = () => this.goTo({ name: 'details' });
}

declare global {
  interface HTMLElementTagNameMap {
    'lk-sign-up': LkSignUp;
  }
}
