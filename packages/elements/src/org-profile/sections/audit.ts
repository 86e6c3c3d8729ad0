import { html, nothing, type TemplateResult } from 'lit';
import { auditCsvUrl, listAuditEvents, type AuditEvent, type AuditEventType, type Connection } from '@latchkey/client';
import { msg } from '../../internal/localize.js';
import { formatMoment } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { renderAlert, spinner } from '../org-templates.js';

interface Audit {
  events: AuditEvent[];
  next: string | null;
}

/** Every recorded type, in the words of the page's language (the filter's options, in this order). */
const TYPES: ReadonlyArray<[AuditEventType, () => string]> = [
  ['sign_in.succeeded', () => msg('Signed in')],
  ['sign_in.failed', () => msg('Sign-in failed')],
  ['factor.added', () => msg('Sign-in method added')],
  ['factor.removed', () => msg('Sign-in method removed')],
  ['org.created', () => msg('Organization created')],
  ['org.updated', () => msg('Organization renamed')],
  ['org.deleted', () => msg('Organization deleted')],
  ['org.switched', () => msg('Switched into the organization')],
  ['org.break_glass', () => msg('Owner bypassed a policy')],
  ['member.added', () => msg('Member added')],
  ['member.role_changed', () => msg('Member’s role changed')],
  ['member.removed', () => msg('Member removed')],
  ['role.created', () => msg('Role created')],
  ['role.updated', () => msg('Role edited')],
  ['role.deleted', () => msg('Role deleted')],
  ['invitation.created', () => msg('Invitation sent')],
  ['invitation.revoked', () => msg('Invitation revoked')],
  ['invitation.accepted', () => msg('Invitation accepted')],
  ['invite_link.created', () => msg('Invite link created')],
  ['invite_link.revoked', () => msg('Invite link revoked')],
  ['invite_link.used', () => msg('Joined by invite link')],
  ['access_request.created', () => msg('Asked to join')],
  ['access_request.approved', () => msg('Request approved')],
  ['access_request.denied', () => msg('Request denied')],
  ['domain.added', () => msg('Domain added')],
  ['domain.verified', () => msg('Domain verified')],
  ['domain.updated', () => msg('Domain changed')],
  ['domain.removed', () => msg('Domain removed')],
  ['connection.created', () => msg('Single sign-on connected')],
  ['connection.updated', () => msg('Single sign-on changed')],
  ['connection.deleted', () => msg('Single sign-on removed')],
  ['policy.updated', () => msg('Security policies changed')],
];

/** A type's words; one this build does not know yet (the list only grows) shows as recorded. */
const typeLabel = (type: string) => TYPES.find(([t]) => t === type)?.[1]() ?? type;

/**
 * "Audit log": the organization's recorded events, newest first, with who did
 * it, to what, when and from which address; filtered by type, fifty at a time
 * ("Show more"), and the same as CSV (a link: the browser downloads it with
 * the session cookie).
 */
class AuditSection extends OrgSection<Audit> {
  protected readonly key = 'audit';
  #type: AuditEventType | '' = '';

  protected fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Audit> {
    return listAuditEvents(conn, orgId, this.#type ? { type: this.#type } : {}, { signal });
  }

  protected loading() {
    return msg('Loading the audit log…');
  }

  override subjectChanged(subject: OrgSubject | undefined) {
    if (subject?.org.id !== this.subject?.org.id) this.#type = '';
    super.subjectChanged(subject);
  }

  #filter = (event: Event) => {
    this.#type = (event.target as HTMLSelectElement).value as AuditEventType | '';
    this.data = undefined;
    this.reload();
  };

  #more = () => {
    const after = this.data!.next;
    if (!after) return;
    this.act('more', (conn, signal) => listAuditEvents(conn, this.orgId, { ...(this.#type ? { type: this.#type } : {}), after }, { signal }), (page) => {
      const data = this.data!;
      data.events = [...data.events, ...page.events];
      data.next = page.next;
      if (page.events[0]) this.focus(`[data-id="${page.events[0].id}"]`);
    });
  };

  override render(): TemplateResult {
    // The filter stays while its list loads, so choosing another type never loses focus.
    return html`<p part="section-description" class="description">${msg('What happened in the organization, who did it and from where.')}</p> <div class="toolbar"> <div class="field"> <label for="audit-type">${msg('Event type')}</label> <select id="audit-type" @change=${this.#filter}><option value="" ?selected=${!this.#type}>${msg('All events')}</option>${TYPES.map(
      ([type, label]) => html`<option value=${type} ?selected=${type === this.#type}>${label()}</option>`,
    )}</select> </div> ${this.subject
        ? html`<a part="export-link" class="secondary" href=${auditCsvUrl(this.conn(), this.orgId, this.#type ? { type: this.#type } : {})} download>${msg('Export CSV')}</a>`
        : nothing} </div> ${super.render()}`;
  }

  protected renderData({ events, next }: Audit): TemplateResult {
    if (!events.length) return html`<p class="empty">${this.#type ? msg('No events of this type yet.') : msg('No events yet.')}</p>`;
    return html`<div class="table-wrap" role="region" aria-label=${msg('Events')} tabindex="0"> <table part="audit-table"> <caption>${msg('Audit log')}</caption> <thead><tr><th scope="col">${msg('Event')}</th><th scope="col">${msg('By')}</th><th scope="col">${msg('About')}</th></tr></thead> <tbody>${events.map(
      (e) =>
        html`<tr data-id=${e.id} tabindex="-1"><td><span class="event">${typeLabel(e.type)}</span><span class="meta">${formatMoment(e.created_at)}</span></td><td><bdi>${e.actor?.email ?? msg('The system')}</bdi>${e.ip ? html`<span class="meta"><span class="visually-hidden">${msg('IP address')} </span><bdi>${e.ip}</bdi></span>` : nothing}</td><td>${e.target ? html`<bdi>${e.target.label ?? e.target.id}</bdi>` : html`<span class="meta">—</span>`}</td></tr>`,
    )}</tbody> </table> </div> ${next
        ? html`<button type="button" part="more-button" class="secondary more" data-action="more" aria-disabled=${this.busy('more') ? 'true' : 'false'} @click=${this.#more}>${this.busy('more') ? spinner : nothing}${msg('Show more')}</button>`
        : nothing} ${renderAlert(this.failed('more'))}`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new AuditSection(host, section);
