import { html, nothing, type TemplateResult } from 'lit';
import { deleteOrganization, LatchkeyError, removeMember, updateOrganization } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { renderConfirm, renderFieldError, spinner } from '../org-templates.js';

const leaveIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11" /></svg>`;
const trashIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" /></svg>`;

/**
 * "General": the organization's name (renamed with `org:update`), leaving it
 * (anyone; the broker refuses the only owner, `last_owner`) and deleting it
 * (`org:delete`) once its name is typed, so a slip of the mouse cannot.
 */
class GeneralSection extends OrgSection<true> {
  protected readonly key = 'general';
  /** What is typed in the deletion's confirmation. */
  #typed = '';

  protected fetch() {
    return Promise.resolve(true as const);
  }

  protected loading() {
    return msg('Loading…');
  }

  protected override explain(error: unknown): string {
    if (error instanceof LatchkeyError && error.code === 'last_owner') {
      return msg(str`You’re the only owner of ${isolate(this.subject!.org.name)}, so you can’t leave it. Make another member an owner first, or delete the organization.`);
    }
    return super.explain(error);
  }

  #rename = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    const name = input.value.trim();
    if (!name) return this.refuse('rename', msg('Enter the organization’s name.'), '#org-name');
    if (name === this.subject!.org.name) return;
    this.act(
      'rename',
      (conn, signal) => updateOrganization(conn, this.orgId, { name }, { signal }),
      (org) => {
        this.section.orgUpdated(org);
        this.section.announce(msg('Organization renamed.'));
      },
      // Back to the field, which now says what is wrong (its description).
      () => this.focus('#org-name'),
    );
  };

  #leave = () => this.act('leave', (conn, signal) => removeMember(conn, this.orgId, this.subject!.user.id, { signal }), () => this.section.orgEnded('left'));

  #delete = () => {
    if (this.#typed.trim() !== this.subject!.org.name) return this.refuse('delete', msg('Type the organization’s name exactly as it is shown.'), '#confirm-name');
    this.act('delete', (conn, signal) => deleteOrganization(conn, this.orgId, { signal }), () => this.section.orgEnded('deleted'));
  };

  #ask(key: 'leave' | 'delete') {
    this.#typed = '';
    this.toggle(key, key === 'delete' ? '#confirm-name' : '[data-action="cancel"]');
  }

  #cancel = () => this.toggle(undefined, `[data-action="${this.open}"]`);

  protected renderData(): TemplateResult {
    const org = this.subject!.org;
    const renameError = this.failed('rename');
    return html`<p part="section-description" class="description">${msg('The organization’s name, and leaving or deleting it.')}</p> ${this.can('org:update')
        ? html`<form class="form" novalidate @submit=${this.#rename}> <div class="fields"> <div class="field"> <label for="org-name">${msg('Organization name')}</label> <input id="org-name" name="name" .value=${org.name} maxlength="100" autocomplete="organization" aria-invalid=${renameError ? 'true' : 'false'} aria-describedby="org-name-error" /> </div> <button class="primary" aria-disabled=${this.busy('rename') ? 'true' : 'false'}>${this.busy('rename') ? spinner : nothing}${msg('Save')}</button> </div> ${renderFieldError('org-name', renameError)} </form>`
        : nothing} <div class="zone"> ${this.#zoneRow('leave', leaveIcon, msg('Leave organization'), msg(str`You’ll lose access to ${isolate(org.name)} until someone invites you again.`), msg('Leave…'))} ${this.can('org:delete')
        ? this.#zoneRow('delete', trashIcon, msg('Delete organization'), msg(str`Deletes ${isolate(org.name)} for everyone: its members lose access, and its invitations, domains and roles are gone. This can’t be undone.`), msg('Delete…'))
        : nothing} </div>`;
  }

  #zoneRow(key: 'leave' | 'delete', icon: TemplateResult, title: string, text: string, button: string): TemplateResult {
    return html`<div class="row"> <span class="icon">${icon}</span> <div class="details"><span class="name">${title}</span><span class="meta">${text}</span></div> ${this.open === key
        ? nothing
        : html`<div class="actions"><button type="button" class="secondary" data-action=${key} @click=${() => this.#ask(key)}>${button}</button></div>`} ${this.open === key ? this.#confirm(key, title) : nothing} </div>`;
  }

  #confirm(key: 'leave' | 'delete', label: string): TemplateResult {
    const org = this.subject!.org;
    const error = this.failed(key);
    if (key === 'leave') {
      return renderConfirm({ text: msg(str`Leave ${isolate(org.name)}? You lose access at once.`), label, action: key, busy: this.busy(key), error, onConfirm: this.#leave, onCancel: this.#cancel });
    }
    // The typed name is the field; its problem (or the broker's) is said under it.
    return renderConfirm({
      text: msg(str`Delete ${isolate(org.name)} and everything in it? This can’t be undone.`),
      label,
      action: key,
      busy: this.busy(key),
      onConfirm: this.#delete,
      onCancel: this.#cancel,
      fields: html`<div class="field"><label for="confirm-name">${msg(str`Type ${org.name} to confirm`)}</label><input id="confirm-name" autocomplete="off" spellcheck="false" .value=${this.#typed} @input=${(e: Event) => (this.#typed = (e.target as HTMLInputElement).value)} aria-invalid=${error ? 'true' : 'false'} aria-describedby="confirm-name-error" />${renderFieldError('confirm-name', error)}</div>`,
    });
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new GeneralSection(host, section);
