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
}

/**
 * One labelled input with its hint and error, wired with aria-describedby.
 * Its id is `<uid>-<name>`, which the element's `field(name)` finds.
 *
 * @example
 * renderField(form, { name: 'email', label: msg('Email'), type: 'email', autocomplete: 'username' })
 */
export function renderField(form: FormState, o: FieldOptions): TemplateResult {
  const id = `${form.uid}-${o.name}`;
  const error = form.fieldErrors[o.name];
  // The error replaces the hint: it says the same thing, more pointedly.
  const hint = error ? undefined : o.hint;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="lk-field">
    <div class="lk-label-row"><label for=${id}>${o.label}</label>${o.aside ?? nothing}</div>
    <input
      id=${id}
      name=${o.name}
      type=${o.type}
      class=${ifDefined(o.className)}
      autocomplete=${o.autocomplete}
      inputmode=${ifDefined(o.inputmode)}
      maxlength=${ifDefined(o.maxlength)}
      ?required=${o.required ?? true}
      .value=${o.value ?? ''}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${ifDefined(describedBy || undefined)}
      spellcheck="false"
      autocapitalize="off"
    />
    ${hint ? html`<p class="lk-hint" id="${id}-hint">${hint}</p>` : nothing}
    ${error ? html`<p class="lk-field-error" id="${id}-error">${error}</p>` : nothing}
  </div>`;
}

/**
 * A field password managers read to pair the email with the password on
 * steps where the email is not an input.
 */
export function renderUsernameHint(email: string): TemplateResult {
  return html`<input class="lk-visually-hidden" type="email" name="username" autocomplete="username" .value=${email} tabindex="-1" aria-hidden="true" readonly />`;
}
