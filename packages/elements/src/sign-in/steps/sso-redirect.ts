import { html } from 'lit';
import { msg, str } from '../../internal/localize.js';
import { addFormStyles, formScope as s } from '../../internal/form-styles.js';
import type { SsoRedirectStep } from '@latchkey/client';
import type { StepScreen } from '../sign-in.steps.js';

// The redirect step's chunk: a social button, or an address whose domain signs in through
// its organization's IdP (home-realm discovery). The element sends the page on at once;
// this is what shows while the page unloads, or if the navigation was blocked.

addFormStyles(`@layer latchkey {
${s} .lk-redirecting { display: flex; align-items: center; gap: var(--_space-s); margin: 0; color: var(--_muted); font-size: var(--_font-size-s); }
${s} a.lk-secondary { box-sizing: border-box; text-decoration: none; }
}`);

/** "Continue to {name}", a spinner saying "Redirecting…", and a link to the same URL in case nothing happens. lk-sign-up shows it too. */
export function render(o: { view: { step: SsoRedirectStep } }): StepScreen {
  const { url, to } = o.view.step;
  return {
    title: msg(str`Continue to ${to.name}`),
    subtitle: to.kind === 'sso' ? msg(str`${to.name} signs you in with its own sign-in page.`) : msg(str`You'll sign in with your ${to.name} account.`),
    form: html`<div class="lk-form">
      <p class="lk-redirecting" role="status"><span class="lk-spinner" aria-hidden="true"></span>${msg('Redirecting…')}</p>
      <a class="lk-secondary" href=${url}>${msg('Continue')}</a>
    </div>`,
  };
}
