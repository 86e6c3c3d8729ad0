import { html, type TemplateResult } from 'lit';
import { addFormStyles, formScope as s } from '../form-styles.js';

addFormStyles(`@layer latchkey{
${s} input.lk-visually-hidden{position:absolute !important;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}}`);

/**
 * A field password managers read to pair the email with the password on
 * steps where the email is not an input.
 */
export function renderUsernameHint(email: string): TemplateResult {
  return html`<input class="lk-visually-hidden" type="email" name="username" autocomplete="username" .value=${email} tabindex="-1" aria-hidden="true" readonly />`;
}
