import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { msg } from '../localize.js';
import type { FormState } from './form-state.js';

/** One input of a light-DOM form. */
export interface FieldOptions {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value?: string;
  hint?: string;
  /** Something on the label's line, e.g. a "Forgot password?" link. */
  aside?: TemplateResult;
  inputmode?: 'numeric' | 'email';
  maxlength?: number;
  className?: string;
  required?: boolean;
  /** Runs before the form's own `input` listeners (the code field normalises what was pasted). */
  onInput?: (event: InputEvent) => void;
}

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
  const hint = document.getElementById(`${input.id}-caps`);
  if (hint) hint.hidden = !(event instanceof KeyboardEvent && event.getModifierState?.('CapsLock'));
}

/**
 * One labelled input with its hint and error, wired with aria-describedby.
 * Its id is `<uid>-<name>`, which the element's `field(name)` finds. A
 * password field gets a "Show password" toggle and a Caps Lock hint. Emails,
 * passwords and codes are left to right in every locale.
 *
 * @example
 * renderField(form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username' })
 */
export function renderField(form: FormState, o: FieldOptions): TemplateResult {
  const id = `${form.uid}-${o.name}`;
  const error = form.fieldErrors[o.name];
  const password = o.type === 'password';
  // The error replaces the hint: it says the same thing, more pointedly.
  const hint = error ? undefined : o.hint;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', password ? `${id}-caps` : ''].filter(Boolean).join(' ');
  const input = html`<input
    id=${id}
    name=${o.name}
    type=${o.type}
    class=${ifDefined(o.className)}
    autocomplete=${o.autocomplete}
    inputmode=${ifDefined(o.inputmode)}
    dir=${ifDefined(o.type !== 'text' || o.inputmode ? 'ltr' : undefined)}
    maxlength=${ifDefined(o.maxlength)}
    ?required=${o.required ?? true}
    .value=${o.value ?? ''}
    aria-invalid=${!!error}
    aria-describedby=${ifDefined(describedBy || undefined)}
    spellcheck="false"
    autocapitalize="off"
    @input=${o.onInput}
    @keydown=${password ? capsLock : undefined}
    @keyup=${password ? capsLock : undefined}
    @blur=${password ? capsLock : undefined}
  />`;
  return html`<div class="lk-field">
    <div class="lk-label-row"><label for=${id}>${o.label}</label>${o.aside ?? nothing}</div>
    ${password
      ? html`<div class="lk-reveal-row">${input}<button type="button" class="lk-reveal" aria-pressed="false" aria-controls=${id} @click=${toggleReveal}><span>${msg('Show password')}</span><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7-10-7-10-7Z"/><circle cx="12" cy="12" r="3"/></svg></button></div>`
      : input}
    ${hint ? html`<p class="lk-hint" id="${id}-hint">${hint}</p>` : nothing}
    ${error ? html`<p class="lk-field-error" id="${id}-error">${error}</p>` : nothing}
    ${password ? html`<p class="lk-hint" id="${id}-caps" hidden>${msg('Caps Lock is on.')}</p>` : nothing}
  </div>`;
}

/**
 * A field password managers read to pair the email with the password on
 * steps where the email is not an input.
 */
export function renderUsernameHint(email: string): TemplateResult {
  return html`<input class="lk-visually-hidden" type="email" name="username" autocomplete="username" .value=${email} tabindex="-1" aria-hidden="true" readonly />`;
}
