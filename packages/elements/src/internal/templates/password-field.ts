import { html, type TemplateResult } from 'lit';
import { msg, str } from '../localize.js';
import { LIMITS } from '@latchkey/client';
import { addFormStyles, formScope as s } from '../form-styles.js';
import { addFieldCheck } from '../field-checks.js';
import { renderField, type FieldOptions } from './field.js';
import type { FormState } from './form-state.js';

addFormStyles(`@layer latchkey{
${s} .lk-reveal>span{position:absolute !important;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
${s} .lk-reveal-row{position:relative;direction:ltr}
${s} .lk-reveal-row input{padding-inline-end:var(--_input-height)}
${s} .lk-reveal{position:absolute;inset-block:0;inset-inline-end:0;inline-size:var(--_input-height);display:grid;place-items:center;color:var(--_muted);background:none;border:0;border-radius:var(--_radius);cursor:pointer}
${s} .lk-reveal svg{inline-size:1.25em;fill:none;stroke:currentColor;stroke-width:2}
${s} .lk-reveal[aria-pressed=true]{color:var(--_primary)}
${s} .lk-reveal[aria-pressed=true] svg path{stroke-dasharray:2 3}}`);

// Checked before anything is sent: a password is there, and a new one's length.
addFieldCheck((_name, input, value) => {
  if (input.autocomplete === 'current-password' && !value) return msg('Enter your password.');
  if (input.autocomplete !== 'new-password') return undefined;
  if (value.length < LIMITS.passwordMinLength) return msg(str`Use at least ${LIMITS.passwordMinLength} characters.`);
  if (value.length > LIMITS.passwordMaxLength) return msg(str`Use at most ${LIMITS.passwordMaxLength} characters.`);
  return undefined;
});

/** Shows or hides the password next to the toggle; the label stays, `aria-pressed` says which. */
function toggleReveal(event: Event) {
  const button = event.currentTarget as HTMLButtonElement;
  const input = button.previousElementSibling as HTMLInputElement;
  const shown = input.type === 'password';
  input.type = shown ? 'text' : 'password';
  button.setAttribute('aria-pressed', String(shown));
}

/** Says so under a password field while Caps Lock is on (keyboard events are the only way to know). */
function capsLock(event: KeyboardEvent | FocusEvent) {
  const input = event.target as HTMLInputElement;
  const hint = input.id && document.getElementById(`${input.id}-caps`);
  if (hint) hint.hidden = !(event instanceof KeyboardEvent && event.getModifierState?.('CapsLock'));
}

/**
 * A password input (`renderField`) with a "Show password" toggle beside it and
 * a Caps Lock hint under it. Apart from `renderField`, so an element's first
 * screen without a password (lk-sign-in's email step) does not ship them.
 *
 * @example
 * renderPasswordField(form, { name: 'password', label: msg('Password'), autocomplete: 'current-password' })
 */
export function renderPasswordField(form: FormState, o: Omit<FieldOptions, 'type' | 'wrap' | 'note'>): TemplateResult {
  return renderField(form, {
    ...o,
    type: 'password',
    // Key events and focus leaving reach the row from its input.
    wrap: (input, id) =>
      html`<div class="lk-reveal-row" @keydown=${capsLock} @keyup=${capsLock} @focusout=${capsLock}>${input}<button type="button" class="lk-reveal" aria-pressed="false" aria-controls=${id} @click=${toggleReveal}><span>${msg('Show password')}</span><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7-10-7-10-7Z"/><circle cx="12" cy="12" r="3"/></svg></button></div>`,
    note: { key: 'caps', text: msg('Caps Lock is on.'), hidden: true },
  });
}
