import { html, nothing, type TemplateResult } from 'lit';
import { approveAccessRequest, denyAccessRequest, LatchkeyError, listAccessRequests, type AccessRequest, type Connection, type Role } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { formatDate } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { loadRoles, renderAlert, renderBadge, renderFieldError, renderRoleSelect, spinner } from '../org-templates.js';

interface Requests {
  requests: AccessRequest[];
  roles: Role[];
}

const personIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="8" r="4" /><path d="M4 21a8 8 0 0 1 16 0" /></svg>`;
const nameOf = (r: AccessRequest) => r.user.name ?? r.user.email;

/**
 * "Requests to join": people whose verified address is at one of the
 * organization's domains asked to join. Each pending request is approved with
 * a role (member by default) or denied with a reason, which the broker records
 * and shows the requester. Decided requests stay listed with their decision.
 */
class RequestsSection extends OrgSection<Requests> {
  protected readonly key = 'requests';
  /** The role picked for each pending request (member until another is). */
  readonly #roleFor = new Map<string, string>();

  protected async fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Requests> {
    const [{ requests }, { roles }] = await Promise.all([listAccessRequests(conn, orgId, { signal }), loadRoles(conn, this.subject!, signal)]);
    return { requests, roles };
  }

  protected loading() {
    return msg('Loading the requests…');
  }

  protected override explain(error: unknown): string {
    // Someone else decided it meanwhile: the list is read again, so it shows their decision.
    if (error instanceof LatchkeyError && error.code === 'already_decided') return msg('Someone else has decided this request already. The list now shows their decision.');
    if (error instanceof LatchkeyError && error.code === 'forbidden') return msg('You can’t give this role: it allows more than your own role does.');
    return super.explain(error);
  }

  #decided(request: AccessRequest, focusOn: string) {
    const data = this.data!;
    data.requests = data.requests.map((r) => (r.id === request.id ? request : r));
    this.open = undefined;
    this.section.announce(request.status === 'approved' ? msg(str`${isolate(nameOf(request))} can now join.`) : msg(str`The request of ${isolate(nameOf(request))} was denied.`));
    this.focus(focusOn);
  }

  /** Someone else decided it meanwhile: read the list again, so it shows their decision. */
  #reloadIfDecided = (error: unknown) => {
    if (error instanceof LatchkeyError && error.code === 'already_decided') this.reload();
  };

  #approve(r: AccessRequest) {
    const role = this.#roleFor.get(r.id) ?? 'member';
    this.act(`approve:${r.id}`, (conn, signal) => approveAccessRequest(conn, this.orgId, r.id, { role }, { signal }), (decided) => this.#decided(decided, '#requests-title'), this.#reloadIfDecided);
  }

  #deny = (event: SubmitEvent, r: AccessRequest) => {
    event.preventDefault();
    const reason = ((event.currentTarget as HTMLFormElement).elements.namedItem('reason') as HTMLTextAreaElement).value.trim();
    const key = `deny:${r.id}`;
    if (!reason) return this.refuse(key, msg('Say why: the reason is shown to them.'), `#deny-reason-${r.id}`);
    this.act(key, (conn, signal) => denyAccessRequest(conn, this.orgId, r.id, { reason }, { signal }), (decided) => this.#decided(decided, '#requests-title'), this.#reloadIfDecided);
  };

  protected renderData({ requests, roles }: Requests): TemplateResult {
    const pending = requests.filter((r) => r.status === 'pending');
    const decided = requests.filter((r) => r.status !== 'pending');
    return html`<p part="section-description" class="description">${msg('People with an address at one of your domains who asked to join. They see your decision, and the reason if you deny.')}</p> ${pending.length
        ? html`<ul part="request-list" class="list">${pending.map((r) => this.#pending(r, roles))}</ul>`
        : html`<p class="empty">${msg('Nobody is waiting to join.')}</p>`} ${decided.length
        ? html`<h4 id="decided-title">${msg('Decided')}</h4> <ul part="request-list" class="list" aria-labelledby="decided-title">${decided.map((r) => this.#decidedRow(r))}</ul>`
        : nothing}`;
  }

  #who(r: AccessRequest, extra: TemplateResult | typeof nothing): TemplateResult {
    return html`<span class="icon">${personIcon}</span> <div class="details"> <span class="name-row"><span class="name">${nameOf(r)}</span>${extra}</span> <span class="meta">${r.user.name ? html`<span><bdi>${r.user.email}</bdi></span><span aria-hidden="true">\u00a0· </span>` : nothing}<span>${r.decided_at
          ? msg(str`Decided ${formatDate(r.decided_at)}`)
          : msg(str`Asked ${formatDate(r.created_at)}`)}</span></span> ${r.message ? html`<p class="quote">${r.message}</p>` : nothing} </div>`;
  }

  #pending(r: AccessRequest, roles: Role[]): TemplateResult {
    const approving = `approve:${r.id}`;
    const denying = `deny:${r.id}`;
    const denyError = this.failed(denying);
    return html`<li part="request" class="row" data-id=${r.id}> ${this.#who(r, nothing)} ${this.open === denying
        ? html`<form class="decide form" novalidate @submit=${(e: SubmitEvent) => this.#deny(e, r)}> <div class="field"> <label for="deny-reason-${r.id}">${msg('Reason (they will see it)')}</label> <textarea id="deny-reason-${r.id}" name="reason" maxlength="1000" aria-invalid=${typeof this.failure(denying) === 'string' ? 'true' : 'false'} aria-describedby="deny-reason-${r.id}-error"></textarea> ${renderFieldError(`deny-reason-${r.id}`, denyError)} </div> <div class="confirm-actions"> <button class="destructive" data-action="confirm-deny" aria-disabled=${this.busy(denying) ? 'true' : 'false'}>${this.busy(denying) ? spinner : nothing}${msg('Deny request')}</button> <button type="button" class="secondary" data-action="cancel" @click=${() => this.toggle(undefined, `[data-id="${r.id}"] [data-action="deny"]`)}>${msg('Cancel')}</button> </div> </form>`
        : html`<div class="decide"> ${renderRoleSelect({ id: `request-role-${r.id}`, name: msg(str`Role for ${nameOf(r)}`), value: this.#roleFor.get(r.id) ?? 'member', roles, subject: this.subject!, onChange: (role) => this.#roleFor.set(r.id, role) })} <button type="button" class="primary copy" data-action="approve" aria-label=${msg(str`Approve ${nameOf(r)}`)} aria-disabled=${this.busy(approving) ? 'true' : 'false'} @click=${() => this.#approve(r)}>${this.busy(approving) ? spinner : nothing}${msg('Approve')}</button> <button type="button" class="secondary copy" data-action="deny" aria-label=${msg(str`Deny ${nameOf(r)}`)} @click=${() => this.toggle(denying, `#deny-reason-${r.id}`)}>${msg('Deny…')}</button> </div>`} ${renderAlert(this.failed(approving))} </li>`;
  }

  #decidedRow(r: AccessRequest): TemplateResult {
    const approved = r.status === 'approved';
    return html`<li part="request" class="row" data-id=${r.id}> ${this.#who(r, renderBadge(approved ? msg('Approved') : msg('Denied'), approved ? 'synced' : 'warn'))} ${r.reason
        ? html`<p class="quote decide"><span class="visually-hidden">${msg('Reason:')} </span>${r.reason}</p>`
        : nothing} </li>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new RequestsSection(host, section);
