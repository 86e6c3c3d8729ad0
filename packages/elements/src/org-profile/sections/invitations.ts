import { html, nothing, type TemplateResult } from 'lit';
import {
  createInvitation,
  createInviteLink,
  LatchkeyError,
  listInvitations,
  listInviteLinks,
  revokeInvitation,
  revokeInviteLink,
  type Connection,
  type Invitation,
  type InviteLink,
  type Role,
} from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { formatDate } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { loadRoles, renderAlert, renderBadge, renderCopy, renderFieldError, renderRoleSelect, roleLabel, spinner } from '../org-templates.js';

interface Invitations {
  invitations: Invitation[];
  links: InviteLink[];
  roles: Role[];
}

const mailIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="5" width="18" height="14" rx="2" /><path d="m3 7 9 6 9-6" /></svg>`;
const linkIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1" /></svg>`;

/** How long a new link lasts, in seconds (`''`: no expiry), the default first. */
const EXPIRIES = [
  ['604800', () => msg('In 7 days')],
  ['86400', () => msg('In 1 day')],
  ['2592000', () => msg('In 30 days')],
  ['', () => msg('Never')],
] as const;

/** Why a link takes nobody any more, or undefined while it does. */
function linkEnded(l: InviteLink): string | undefined {
  if (l.revoked_at) return msg('Revoked');
  if (l.expires_at && Date.parse(l.expires_at) <= Date.now()) return msg('Expired');
  if (l.max_uses !== null && l.uses >= l.max_uses) return msg('Used up');
  return undefined;
}

/**
 * "Invitations": invite someone by email with a role, see the invitations not
 * yet accepted and revoke them; make invite links (a role, at most so many
 * uses, an expiry), whose URL the broker answers once, so it is shown once,
 * with Copy; list them with their uses and revoke them.
 */
class InvitationsSection extends OrgSection<Invitations> {
  protected readonly key = 'invitations';
  /** The link just made: its URL, shown until Done. */
  #newLink?: InviteLink;
  /** The address of the invitation being sent, for its failure's words. */
  #inviting = '';

  protected async fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Invitations> {
    const [{ invitations }, { links }, { roles }] = await Promise.all([
      listInvitations(conn, orgId, { signal }),
      listInviteLinks(conn, orgId, { signal }),
      loadRoles(conn, this.subject!, signal),
    ]);
    return { invitations, links, roles };
  }

  protected loading() {
    return msg('Loading the invitations…');
  }

  override subjectChanged(subject: OrgSubject | undefined) {
    if (subject?.org.id !== this.subject?.org.id) this.#newLink = undefined;
    super.subjectChanged(subject);
  }

  protected override explain(error: unknown): string {
    if (error instanceof LatchkeyError && error.code === 'already_member') return msg(str`${isolate(this.#inviting)} is already a member of ${isolate(this.subject!.org.name)}.`);
    if (error instanceof LatchkeyError && error.code === 'forbidden') return msg('You can’t give this role: it allows more than your own role does.');
    if (error instanceof LatchkeyError && error.problem?.errors?.some((e) => e.path === 'email')) return msg('Enter an email address, like name@example.com.');
    return super.explain(error);
  }

  #invite = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const email = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
    const role = (form.elements.namedItem('role') as HTMLSelectElement).value;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return this.refuse('invite', msg('Enter an email address, like name@example.com.'), '#invite-email');
    this.#inviting = email;
    this.act('invite', (conn, signal) => createInvitation(conn, this.orgId, { email, role }, { signal }), (invitation) => {
      const data = this.data!;
      // Inviting an address again replaces its pending invitation.
      data.invitations = [...data.invitations.filter((i) => i.email !== invitation.email), invitation];
      form.reset();
      this.section.announce(msg(str`Invitation sent to ${isolate(invitation.email)}.`));
      this.focus('#invite-email');
    }, () => this.focus('#invite-email'));
  };

  #revoke(invitation: Invitation) {
    this.act(`revoke:${invitation.id}`, (conn, signal) => revokeInvitation(conn, this.orgId, invitation.id, { signal }), () => {
      const data = this.data!;
      const at = data.invitations.indexOf(invitation);
      data.invitations = data.invitations.filter((i) => i !== invitation);
      this.section.announce(msg(str`The invitation to ${isolate(invitation.email)} was revoked.`));
      const next = data.invitations[at] ?? data.invitations[at - 1];
      this.focus(next ? `[data-id="${next.id}"] [data-action="revoke"]` : '#invite-email');
    });
  }

  #createLink = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
    const uses = value('uses');
    const maxUses = uses === '' ? null : Number(uses);
    if (maxUses !== null && !(Number.isInteger(maxUses) && maxUses >= 1 && maxUses <= 100_000)) {
      return this.refuse('link', msg('Enter a whole number from 1 to 100,000, or leave it empty for no limit.'), '#link-uses');
    }
    const expiry = value('expiry');
    const body = { role: value('role'), max_uses: maxUses, expires_in: expiry ? Number(expiry) : null };
    this.act('link', (conn, signal) => createInviteLink(conn, this.orgId, body, { signal }), (link) => {
      const data = this.data!;
      data.links = [link, ...data.links];
      this.#newLink = link;
      this.open = undefined;
      this.section.announce(msg('Invite link created. Copy it now: it won’t be shown again.'));
      this.focus('#new-link-url');
    });
  };

  #revokeLink(link: InviteLink) {
    this.act(`revoke-link:${link.id}`, (conn, signal) => revokeInviteLink(conn, this.orgId, link.id, { signal }), () => {
      const data = this.data!;
      data.links = data.links.map((l) => (l === link ? { ...l, revoked_at: new Date().toISOString() } : l));
      if (this.#newLink?.id === link.id) this.#newLink = undefined;
      this.section.announce(msg('Invite link revoked.'));
      this.focus('[data-action="create-link"]');
    });
  }

  #doneWithLink = () => {
    this.#newLink = undefined;
    this.host.requestUpdate();
    this.focus('[data-action="create-link"]');
  };

  protected renderData({ invitations, links, roles }: Invitations): TemplateResult {
    const inviteError = this.failed('invite');
    return html`<p part="section-description" class="description">${msg('Invite people by email, or make a link anyone you share it with can join by.')}</p> <form class="form" novalidate @submit=${this.#invite}> <div class="fields"> <div class="field"> <label for="invite-email">${msg('Email')}</label> <input id="invite-email" name="email" type="email" autocomplete="off" spellcheck="false" aria-invalid=${inviteError ? 'true' : 'false'} aria-describedby="invite-email-error" /> </div> <div class="field narrow">${renderRoleSelect({ id: 'invite-role', label: msg('Role'), value: 'member', roles, subject: this.subject! })}</div> <button class="primary" aria-disabled=${this.busy('invite') ? 'true' : 'false'}>${this.busy('invite') ? spinner : nothing}${msg('Send invitation')}</button> </div> ${renderFieldError('invite-email', inviteError)} </form> <h4 id="pending-title">${msg('Pending invitations')}</h4> ${invitations.length
        ? html`<ul part="invitation-list" class="list" aria-labelledby="pending-title">${invitations.map((i) => this.#invitation(i, roles))}</ul>`
        : html`<p class="empty">${msg('No invitations are waiting to be accepted.')}</p>`} <h4 id="links-title">${msg('Invite links')}</h4> <p class="description">${msg('Anyone with a link can join with its role until it expires or reaches its limit. Share it only where you trust everyone who can see it.')}</p> ${this.#renderNewLink()} ${this.open === 'link'
        ? this.#linkForm(roles)
        : html`<button type="button" class="secondary" data-action="create-link" @click=${() => this.toggle('link', '#link-role')}>${msg('Create an invite link')}</button>`} ${links.length
        ? html`<ul part="link-list" class="list more" aria-labelledby="links-title">${[...links.filter((l) => !linkEnded(l)), ...links.filter(linkEnded)].map((l) => this.#link(l, roles))}</ul>`
        : nothing}`;
  }

  #invitation(i: Invitation, roles: Role[]): TemplateResult {
    const key = `revoke:${i.id}`;
    return html`<li part="invitation" class="row" data-id=${i.id}> <span class="icon">${mailIcon}</span> <div class="details"> <span class="name"><bdi>${i.email}</bdi></span> <span class="meta"><span>${roleLabel(i.role, roles)}</span><span aria-hidden="true">\u00a0· </span><span>${msg(str`Sent ${formatDate(i.created_at)}`)}</span><span aria-hidden="true">\u00a0· </span><span>${msg(str`Expires ${formatDate(i.expires_at)}`)}</span></span> </div> <div class="actions"><button type="button" class="link danger" data-action="revoke" aria-label=${msg(str`Revoke the invitation to ${i.email}`)} aria-disabled=${this.busy(key) ? 'true' : 'false'} @click=${() => this.#revoke(i)}>${this.busy(key) ? spinner : nothing}${msg('Revoke')}</button></div> ${renderAlert(this.failed(key))} </li>`;
  }

  #renderNewLink(): TemplateResult | typeof nothing {
    const url = this.#newLink?.url;
    if (!url) return nothing;
    return html`<div part="new-link" class="new-link" role="group" aria-labelledby="new-link-label"> <p id="new-link-label"><strong>${msg('Your new invite link')}</strong> · ${msg('Copy it now: it won’t be shown again.')}</p> <div class="copy-row"><input id="new-link-url" readonly .value=${url} aria-labelledby="new-link-label" @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />${renderCopy(url, msg('Copy link'), this.copied, this.copy)}</div> <div><button type="button" class="secondary copy" data-action="done-link" @click=${this.#doneWithLink}>${msg('Done')}</button></div> </div>`;
  }

  #linkForm(roles: Role[]): TemplateResult {
    const error = this.failure('link');
    const usesError = typeof error === 'string' ? error : undefined;
    return html`<form part="link-form" class="form panel" novalidate @submit=${this.#createLink}> <div class="fields top"> <div class="field narrow">${renderRoleSelect({ id: 'link-role', label: msg('Role'), value: 'member', roles, subject: this.subject! })}</div> <div class="field narrow"> <label for="link-uses">${msg('Maximum uses')}</label> <input id="link-uses" name="uses" type="number" min="1" max="100000" inputmode="numeric" aria-invalid=${usesError ? 'true' : 'false'} aria-describedby="link-uses-hint link-uses-error" /> <p class="hint" id="link-uses-hint">${msg('Empty: no limit')}</p> ${renderFieldError('link-uses', usesError)} </div> <div class="field narrow"> <label for="link-expiry">${msg('Expires')}</label> <select id="link-expiry" name="expiry">${EXPIRIES.map(([value, label]) => html`<option value=${value}>${label()}</option>`)}</select> </div> </div> ${renderAlert(usesError ? undefined : this.failed('link'))} <div class="confirm-actions"> <button class="primary" aria-disabled=${this.busy('link') ? 'true' : 'false'}>${this.busy('link') ? spinner : nothing}${msg('Create link')}</button> <button type="button" class="secondary" data-action="cancel" @click=${() => this.toggle(undefined, '[data-action="create-link"]')}>${msg('Cancel')}</button> </div> </form>`;
  }

  #link(l: InviteLink, roles: Role[]): TemplateResult {
    const ended = linkEnded(l);
    const key = `revoke-link:${l.id}`;
    const role = roleLabel(l.role, roles);
    return html`<li part="link" class="row" data-id=${l.id}> <span class="icon">${linkIcon}</span> <div class="details"> <span class="name-row"><span class="name">${msg(str`Joins as ${role}`)}</span>${ended ? renderBadge(ended) : nothing}</span> <span class="meta"><span>${l.max_uses === null ? msg(str`Uses: ${l.uses}, no limit`) : msg(str`Uses: ${l.uses} of ${l.max_uses}`)}</span><span aria-hidden="true">\u00a0· </span><span>${l.expires_at
            ? msg(str`Expires ${formatDate(l.expires_at)}`)
            : msg('Never expires')}</span><span aria-hidden="true">\u00a0· </span><span>${msg(str`Created ${formatDate(l.created_at)}`)}</span></span> </div> ${ended
        ? nothing
        : html`<div class="actions"><button type="button" class="link danger" data-action="revoke-link" aria-label=${msg(str`Revoke the link that joins as ${role}, created ${formatDate(l.created_at)}`)} aria-disabled=${this.busy(key) ? 'true' : 'false'} @click=${() => this.#revokeLink(l)}>${this.busy(key) ? spinner : nothing}${msg('Revoke')}</button></div>`} ${renderAlert(this.failed(key))} </li>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new InvitationsSection(host, section);
