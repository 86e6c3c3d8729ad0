import { html, nothing, type TemplateResult } from 'lit';
import { listMembers, removeMember, updateMember, type Connection, type Member, type Role } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { formatDate } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { loadRoles, renderAlert, renderBadge, renderConfirm, renderRoleSelect, requirementText, roleLabel, spinner } from '../org-templates.js';

interface Members {
  members: Member[];
  /** The next page's cursor; null on the last. */
  next: string | null;
  roles: Role[];
}

const nameOf = (m: Member) => m.name ?? m.email;
/** One or two letters for the row's avatar: the name's initials, or the address's first letter. */
const initials = (m: Member) => (m.name ? m.name.split(/\s+/).slice(0, 2).map((w) => w[0]) : [m.email[0]]).join('');

/**
 * "Members": who is in the organization, with their role and since when, and
 * what of the security policy each does not meet (the broker tells owners and
 * admins only). With `members:manage`, a role picker per member (an owner's row
 * and the owner role only for owners; never one's own row) and Remove after a
 * confirmation. Fifty at a time: "Show more" reads the next page.
 */
class MembersSection extends OrgSection<Members> {
  protected readonly key = 'members';

  protected async fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Members> {
    const [page, roles] = await Promise.all([listMembers(conn, orgId, {}, { signal }), loadRoles(conn, this.subject!, signal)]);
    return { ...page, roles: roles.roles };
  }

  protected loading() {
    return msg('Loading the members…');
  }

  /** Whether this member's role may be changed or the member removed by the user (the broker checks again). */
  #manages(m: Member): boolean {
    const me = this.subject!;
    return this.can('members:manage') && m.user_id !== me.user.id && (m.role !== 'owner' || me.org.role === 'owner');
  }

  #changeRole(m: Member, role: string) {
    this.act(`role:${m.user_id}`, (conn, signal) => updateMember(conn, this.orgId, m.user_id, { role }, { signal }), (updated) => {
      const data = this.data!;
      data.members = data.members.map((x) => (x.user_id === updated.user_id ? updated : x));
      this.section.announce(msg(str`${isolate(nameOf(updated))} is now ${isolate(roleLabel(updated.role, data.roles))}.`));
    });
  }

  #remove(m: Member) {
    this.act(`remove:${m.user_id}`, (conn, signal) => removeMember(conn, this.orgId, m.user_id, { signal }), () => {
      const data = this.data!;
      const at = data.members.indexOf(m);
      data.members = data.members.filter((x) => x !== m);
      this.open = undefined;
      this.section.announce(msg(str`${isolate(nameOf(m))} was removed from the organization.`));
      // Focus stays in the list: the next member's row, else the previous one's.
      const next = data.members[at] ?? data.members[at - 1];
      if (next) this.focus(`[data-id="${next.user_id}"]`);
    });
  }

  #more = () => {
    const after = this.data!.next;
    if (!after) return;
    this.act('more', (conn, signal) => listMembers(conn, this.orgId, { after }, { signal }), (page) => {
      const data = this.data!;
      data.members = [...data.members, ...page.members];
      data.next = page.next;
      // The first new row, so reading goes on where the list grew.
      if (page.members[0]) this.focus(`[data-id="${page.members[0].user_id}"]`);
    });
  };

  protected renderData({ members, next, roles }: Members): TemplateResult {
    return html`<p part="section-description" class="description">${msg('Everyone in the organization, and what their role lets them do.')}</p> <ul part="member-list" class="list">${members.map((m) => this.#row(m, roles))}</ul> ${next
        ? html`<button type="button" part="more-button" class="secondary more" data-action="more" aria-disabled=${this.busy('more') ? 'true' : 'false'} @click=${this.#more}>${this.busy('more') ? spinner : nothing}${msg('Show more')}</button>`
        : nothing} ${renderAlert(this.failed('more'))}`;
  }

  #row(m: Member, roles: Role[]): TemplateResult {
    const name = nameOf(m);
    const id = m.user_id;
    const manages = this.#manages(m);
    const removing = `remove:${id}`;
    return html`<li part="member" class="row" data-id=${id} tabindex="-1"> <span class="icon" aria-hidden="true">${initials(m)}</span> <div class="details"> <span class="name-row"><span class="name">${name}</span>${id === this.subject!.user.id ? renderBadge(msg('You')) : nothing}${m.out_of_policy.length
            ? renderBadge(msg('Out of policy'), 'warn', 'badge policy-badge')
            : nothing}</span> <span class="meta">${m.name ? html`<span><bdi>${m.email}</bdi></span><span aria-hidden="true">\u00a0· </span>` : nothing}<span>${msg(str`Joined ${formatDate(m.joined_at)}`)}</span></span> ${m.out_of_policy.length
          ? html`<span class="meta warn">${m.out_of_policy.map(requirementText).join(' · ')}</span>`
          : nothing} </div> <div class="actions"> ${manages
          ? renderRoleSelect({ id: `member-role-${id}`, name: msg(str`Role of ${name}`), value: m.role, roles, subject: this.subject!, disabled: this.busy(`role:${id}`), onChange: (role) => this.#changeRole(m, role) })
          : html`<span class="role-text">${roleLabel(m.role, roles)}</span>`} ${manages && this.open !== removing
          ? html`<button type="button" class="link danger" data-action="remove" aria-label=${msg(str`Remove ${name}`)} @click=${() => this.toggle(removing, `[data-id="${id}"] [data-action="cancel"]`)}>${msg('Remove')}</button>`
          : nothing} </div> ${this.open === removing
        ? renderConfirm({
            text: msg(str`Remove ${isolate(name)} from ${isolate(this.subject!.org.name)}? They lose access at once.`),
            label: msg('Remove member'),
            action: 'remove',
            busy: this.busy(removing),
            error: this.failed(removing),
            onConfirm: () => this.#remove(m),
            onCancel: () => this.toggle(undefined, `[data-id="${id}"] [data-action="remove"]`),
          })
        : nothing} ${renderAlert(this.failed(`role:${id}`))} </li>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new MembersSection(host, section);
