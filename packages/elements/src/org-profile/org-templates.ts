import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { listRoles, type Connection, type OrgPolicyRequirement, type Role, type RoleList } from '@latchkey/client';
import { msg, str } from '../internal/localize.js';
import { formatDate } from '../internal/dates.js';
import type { OrgSubject } from './org-section.js';
import { roleLabel } from '../internal/role-label.js';

// What the sections of lk-org-profile draw alike: role pickers, confirmations, badges,
// field errors and copy buttons. A chunk the sections share, never the first screen's.

export { roleLabel };

export const spinner = html`<span class="spinner" aria-hidden="true"></span>`;

const BUILT_IN = ['owner', 'admin', 'member'];

/** The organization's roles: all of them where the member may read them (`members:read`), else the built-in ones. */
export function loadRoles(conn: Connection, subject: OrgSubject, signal: AbortSignal): Promise<RoleList> {
  if (subject.org.permissions.includes('members:read')) return listRoles(conn, subject.org.id, { signal });
  return Promise.resolve({ roles: BUILT_IN.map((key) => ({ key, name: key, permissions: [], built_in: true, members: 0 })), permissions: [] });
}

/** Whether `subject` may hand out `role`: only an owner grants owner, and nobody a role holding a permission they lack (the broker's rule). */
export const mayGrant = (role: Role, subject: OrgSubject) =>
  (role.key !== 'owner' || subject.org.role === 'owner') && role.permissions.every((p) => subject.org.permissions.includes(p));

export interface RoleSelect {
  id: string;
  /** A visible label; without one, `name` labels the picker for screen readers. */
  label?: string;
  name?: string;
  value: string;
  roles: readonly Role[];
  subject: OrgSubject;
  disabled?: boolean;
  onChange?: (role: string) => void;
}

/**
 * A role picker offering the roles `subject` may grant, with `value` chosen; a
 * role they may not grant stays shown, disabled. One that changes at once
 * (`onChange`, a member's row) shows `value` on every draw, so a refused change
 * puts the choice back; one in a form keeps what the user picked until it is sent.
 */
export function renderRoleSelect(o: RoleSelect): TemplateResult {
  const select = html`<select id=${o.id} name="role" aria-label=${o.label ? nothing : (o.name ?? nothing)} ?disabled=${o.disabled} @change=${(e: Event) => o.onChange?.((e.target as HTMLSelectElement).value)}>${o.roles.map(
    (r) =>
      o.onChange
        ? html`<option value=${r.key} ?disabled=${!mayGrant(r, o.subject)} .selected=${live(r.key === o.value)}>${roleLabel(r.key, o.roles)}</option>`
        : html`<option value=${r.key} ?disabled=${!mayGrant(r, o.subject)} ?selected=${r.key === o.value}>${roleLabel(r.key, o.roles)}</option>`,
  )}</select>`;
  return o.label ? html`<div class="field"><label for=${o.id}>${o.label}</label>${select}</div>` : select;
}

export interface Confirm {
  /** What happens, in a sentence or two. */
  text: TemplateResult | string;
  /** The confirming button's words and its `data-action` (`confirm-<action>`). */
  label: string;
  action: string;
  busy: boolean;
  error?: string | undefined;
  onConfirm(): void;
  onCancel(): void;
  /** Fields between the text and the buttons (a typed name, a reason). */
  fields?: TemplateResult;
}

/** A destructive change waiting for a yes: what it does, why it failed, and Cancel (focused when it opens). */
export function renderConfirm(c: Confirm): TemplateResult {
  // Escape is Cancel, as in the account page's confirmations.
  return html`<div part="confirm" class="confirm" role="group" aria-label=${c.label} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && c.onCancel()}> <p>${c.text}</p> ${c.fields ?? nothing} ${c.error ? html`<p class="alert" role="alert">${c.error}</p>` : nothing} <div class="confirm-actions"> <button type="button" class="destructive" data-action=${`confirm-${c.action}`} aria-disabled=${c.busy ? 'true' : 'false'} @click=${c.onConfirm}>${c.busy ? spinner : nothing}${c.label}</button> <button type="button" class="secondary" data-action="cancel" @click=${c.onCancel}>${msg('Cancel')}</button> </div> </div>`;
}

/** An alert under a form or row, when there is something to say. */
export const renderAlert = (text: string | undefined) => (text ? html`<p class="alert" role="alert">${text}</p>` : nothing);

/** The error under a field (`<id>-error`), which the field's `aria-describedby` names. */
export const renderFieldError = (id: string, text: string | undefined) => html`<p class="field-error" id=${`${id}-error`}>${text ?? ''}</p>`;

/** A label on a row: `kind` is its look (`synced` green, `warn` red, plain). */
export const renderBadge = (text: string, kind = '', part = 'badge') => html`<span part=${part} class="kind ${kind}">${text}</span>`;

/** What a policy requirement asks of a member, and until when it lets them in without it. */
export function requirementText(r: OrgPolicyRequirement): string {
  const what = r.requirement === 'mfa' ? msg('Two-step verification') : r.requirement === 'passkey' ? msg('A passkey') : msg('Single sign-on');
  return r.grace_until ? msg(str`${what} needed by ${formatDate(r.grace_until)}`) : msg(str`${what} needed`);
}

const copyIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="9" y="9" width="11" height="11" rx="2" /><path d="M5 15V5a1 1 0 0 1 1-1h9" /></svg>`;

/** A button that copies `value`, saying "Copied" once it did (`copied`: the value copied last). */
export function renderCopy(value: string, label: string, copied: string | undefined, onCopy: (value: string) => void): TemplateResult {
  const done = copied === value;
  return html`<button type="button" class="secondary copy" data-action="copy" @click=${() => onCopy(value)}>${copyIcon}${done ? msg('Copied') : label}</button>`;
}
