import { html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { EmailCodeStep, PasswordStep, User } from '@latchkey/client';
import { LkFlowElement } from '../internal/flow.js';
import { signInStyles } from './sign-in.styles.js';
import { renderSignInForm } from './sign-in.form.js';

/** The steps of signing in, as this element shows them. */
export type SignInView =
  | { name: 'identifier'; email?: string }
  | { name: 'password'; email: string; notice?: PasswordStep['notice'] }
  | { name: 'email-code'; flow: EmailCodeStep }
  | { name: 'reset'; flow: EmailCodeStep }
  | { name: 'done'; user: User };

/**
 * @summary Identifier-first sign-in: email, then password or a mailed code; forgot password.
 *
 * The form and its inputs render into the element's light DOM (slot `form`),
 * where password managers can find them. After sign-in the element fires
 * `lk-signed-in` and, when the broker answered with an allowlisted `return_to`,
 * navigates there unless a listener calls `preventDefault()`.
 *
 * @event lk-signed-in - Signed in. `detail: { user, session, return_to }`; cancel to stop the navigation to `return_to`.
 * @event lk-error - A request failed and the element shows why. `detail: { code, problem? }`.
 *
 * @slot form - Filled by the element itself with its light-DOM form.
 *
 * @csspart base - The card.
 * @csspart header - Title and subtitle.
 * @csspart title - The step's heading (focused on each step change).
 * @csspart subtitle - The line under the heading.
 * @csspart footer - The "Sign up" line.
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
 * @cssstate step-identifier - Asking for the email (also step-password, step-email-code, step-reset, step-done).
 */
@localized()
@customElement('lk-sign-in')
export class LkSignIn extends LkFlowElement<SignInView> {
  static override styles = signInStyles;

  /** Where to go after signing in; must be on the broker's allowlist. */
  @property({ attribute: 'return-to' }) returnTo?: string;

  /** Link for "Don't have an account? Sign up". */
  @property({ attribute: 'sign-up-url' }) signUpUrl?: string;

  constructor() {
    super({ name: 'identifier' });
  }

  /** Goes back to the first step (e.g. after the host signed the user out). */
  reset() {
    this.goTo({ name: 'identifier' });
  }

  protected override render() {
    const { title, subtitle } = this.heading();
    const footer =
      this.signUpUrl && this.view.name !== 'done'
        ? html`${msg("Don't have an account?", { id: 'sign-in.no-account' })} <a href=${this.signUpUrl}>${msg('Sign up', { id: 'sign-in.sign-up-link' })}</a>`
        : nothing;
    return this.renderCard(title, subtitle, footer);
  }

  private heading(): { title: string; subtitle?: string } {
    const v = this.view;
    switch (v.name) {
      case 'identifier':
        return { title: msg('Sign in', { id: 'sign-in.title' }), subtitle: msg('Welcome back. Enter your email to continue.', { id: 'sign-in.subtitle' }) };
      case 'password':
        return { title: msg('Enter your password', { id: 'sign-in.password.title' }) };
      case 'email-code':
        return { title: msg('Check your email', { id: 'sign-in.code.title' }), subtitle: msg(str`We sent a 6-digit code to ${v.flow.email}.`, { id: 'sign-in.code.subtitle' }) };
      case 'reset':
        return { title: msg('Reset your password', { id: 'sign-in.reset.title' }), subtitle: msg(str`Enter the code we sent to ${v.flow.email} and choose a new password.`, { id: 'sign-in.reset.subtitle' }) };
      case 'done':
        return { title: msg("You're signed in", { id: 'sign-in.done.title' }), subtitle: v.user.email };
    }
  }

  protected override renderForm(): TemplateResult {
    return renderSignInForm(this, this.view);
  }

  // Step actions, called by the form templates.

  /** @internal */
  submitIdentifier = (event: SubmitEvent) => {
    event.preventDefault();
    const values = this.validate(['email']);
    if (!values) return;
    this.run(async (client, signal) => {
      const step = await client.identify({ email: values.email!, ...(this.returnTo ? { return_to: this.returnTo } : {}) }, { signal });
      return { name: 'password', email: step.email };
    });
  };

  /** @internal */
  submitPassword = (event: SubmitEvent) => {
    event.preventDefault();
    const view = this.view;
    const values = this.validate(['password']);
    if (!values || view.name !== 'password') return;
    this.run(async (client, signal) => {
      const done = await client.signInWithPassword({ email: view.email, password: values.password!, ...(this.returnTo ? { return_to: this.returnTo } : {}) }, { signal });
      this.signedIn(done);
      return { name: 'done', user: done.user };
    });
  };

  /** @internal */
  sendCode = (email: string) =>
    this.run(async (client, signal) => ({
      name: 'email-code',
      flow: await client.startEmailCodeSignIn({ email, ...(this.returnTo ? { return_to: this.returnTo } : {}) }, { signal }),
    }));

  /** @internal */
  forgotPassword = (email: string) =>
    this.run(async (client, signal) => ({ name: 'reset', flow: await client.startPasswordReset({ email }, { signal }) }));

  /** @internal */
  resend = (flow: EmailCodeStep, name: 'email-code' | 'reset') =>
    this.run(async (client, signal) => ({ name, flow: await client.resendEmailCode({ flow_id: flow.flow_id }, { signal }) }) as SignInView);

  /** @internal */
  submitCode = (event: SubmitEvent) => {
    event.preventDefault();
    const view = this.view;
    const values = this.validate(['code']);
    if (!values || view.name !== 'email-code') return;
    this.run(async (client, signal) => {
      const done = await client.finishEmailCodeSignIn({ flow_id: view.flow.flow_id, code: values.code! }, { signal });
      this.signedIn(done);
      return { name: 'done', user: done.user };
    });
  };

  /** @internal */
  submitReset = (event: SubmitEvent) => {
    event.preventDefault();
    const view = this.view;
    const values = this.validate(['code', 'new-password']);
    if (!values || view.name !== 'reset') return;
    this.run(async (client, signal) => {
      const step = await client.finishPasswordReset({ flow_id: view.flow.flow_id, code: values.code!, password: values['new-password']! }, { signal });
      return { name: 'password', email: step.email, ...(step.notice ? { notice: step.notice } : {}) };
    });
  };

  /** @internal */
  back = (view: SignInView) => this.goTo(view);
}

declare global {
  interface HTMLElementTagNameMap {
    'lk-sign-in': LkSignIn;
  }
}
