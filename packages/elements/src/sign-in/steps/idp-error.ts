import { html } from 'lit';
import type { IdpErrorReason } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// The IdP error's chunk: the broker answers it when a trip to an identity provider came back
// without a session. Each reason says what happened and what to do; every one has a way back.

/** Heading and explanation per reason; `name` is the provider's or the organization's. */
const says: { readonly [R in IdpErrorReason]: (name: string) => [title: string, text: string] } = {
  access_denied: (name) => [msg('Sign-in was cancelled'), msg(str`${name} didn't sign you in. Try again, or use another way to sign in.`)],
  idp_unreachable: (name) => [msg(str`${name} didn't respond`), msg('Try again in a moment, or use another way to sign in.')],
  not_linkable: (name) => [
    msg(str`This ${name} account can't be linked to an existing account`),
    msg(str`An account with this email already exists. Sign in the way you usually do, then connect ${name} from your account settings.`),
  ],
  idp_error: (name) => [msg(str`Signing in with ${name} didn't work`), msg('Something went wrong on their side. Try again, or use another way to sign in.')],
};

/**
 * Why, in the alert (announced), and "Back to sign in" to the email step (the host's return_to
 * kept). A refused SAML response carries a reference for the organization's IT admin, who can
 * look the reason up; the reason itself stays on the broker.
 */
export function render(o: SignInStepOptions<Extract<SignInView, { name: 'idp-error' }>>): StepScreen {
  const { reason, to, reference } = o.view.step;
  const [title, text] = (says[reason] ?? says.idp_error)(to.name);
  return {
    title,
    form: html`<div class="lk-form"> <p class="lk-alert" role="alert">${text}</p> ${reference ? html`<p class="lk-hint">${msg(str`Reference for your IT admin: ${reference}`)}</p>` : ''} <button type="button" class="lk-primary" @click=${() => o.goTo({ name: 'identifier' })}>${msg('Back to sign in')}</button> </div>`,
  };
}
