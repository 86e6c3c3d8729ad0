import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
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
  /** Draws the input inside more: a password's "Show password" toggle (password-field.ts). */
  wrap?: (input: TemplateResult, id: string) => TemplateResult;
  /** One more line after the hint and error that describes the input too, id `<field id>-<key>` (a password's Caps Lock hint). */
  note?: { key: string; text: string; hidden?: boolean };
}

/**
 * One labelled input with its hint and error, wired with aria-describedby.
 * Its id is `<uid>-<name>`, which the element's `field(name)` finds. Emails,
 * passwords and codes are left to right in every locale. A password field
 * with its "Show password" toggle and Caps Lock hint: `renderPasswordField`.
 *
 * @example
 * renderField(form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username' })
 */
export function renderField(form: FormState, o: FieldOptions): TemplateResult {
  const id = `${form.uid}-${o.name}`;
  const error = form.fieldErrors[o.name];
  const note = o.note;
  // The error replaces the hint: it says the same thing, more pointedly.
  const hint = error ? undefined : o.hint;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', note ? `${id}-${note.key}` : ''].filter(Boolean).join(' ');
  const input = html`<input id=${id} name=${o.name} type=${o.type} class=${ifDefined(o.className)} autocomplete=${o.autocomplete} inputmode=${ifDefined(o.inputmode)} dir=${ifDefined(o.type !== 'text' || o.inputmode ? 'ltr' : undefined)} maxlength=${ifDefined(o.maxlength)} ?required=${o.required ?? true} .value=${o.value ?? ''} aria-invalid=${!!error} aria-describedby=${ifDefined(describedBy || undefined)} spellcheck="false" autocapitalize="off" @input=${o.onInput} />`;
  return html`<div class="lk-field"> <div class="lk-label-row"><label for=${id}>${o.label}</label>${o.aside ?? nothing}</div> ${o.wrap ? o.wrap(input, id) : input} ${hint ? html`<p class="lk-hint" id="${id}-hint">${hint}</p>` : nothing} ${error ? html`<p class="lk-field-error" id="${id}-error">${error}</p>` : nothing} ${note ? html`<p class="lk-hint" id="${id}-${note.key}" ?hidden=${note.hidden}>${note.text}</p>` : nothing} </div>`;
}
