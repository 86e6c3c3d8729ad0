import { html, nothing, type TemplateResult } from 'lit';
import { createRole, deleteRole, LatchkeyError, listRoles, updateRole, type Connection, type Role, type RoleList } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { renderAlert, renderBadge, renderConfirm, renderFieldError, roleLabel, spinner } from '../org-templates.js';

const shieldIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3 5 6v5c0 4.5 3 8.5 7 10 4-1.5 7-5.5 7-10V6l-7-3Z" /></svg>`;
const KEY = /^[a-z][a-z0-9_-]*$/;

/** What each of the broker's permissions allows, in words; the host's own show as their name. */
function permissionLabel(permission: string): string {
  switch (permission) {
    case 'org:read':
      return msg('See the organization');
    case 'org:update':
      return msg('Rename the organization');
    case 'org:delete':
      return msg('Delete the organization');
    case 'members:read':
      return msg('See members and roles');
    case 'members:manage':
      return msg('Change roles and remove members');
    case 'invitations:manage':
      return msg('Invite people and manage invite links');
    case 'requests:manage':
      return msg('Decide requests to join');
    case 'roles:manage':
      return msg('Create and change roles');
    case 'domains:manage':
      return msg('Add and verify domains');
    case 'connections:manage':
      return msg('Set up single sign-on');
    case 'policies:manage':
      return msg('Change security policies');
    case 'audit:read':
      return msg('Read the audit log');
  }
  return permission;
}

const pathOf = (error: unknown) => (error instanceof LatchkeyError ? error.problem?.errors?.[0]?.path : undefined);

/**
 * "Roles": the built-in roles (owner, admin, member) and the organization's own,
 * each with its permissions and how many members hold it. Custom roles are
 * created and edited with a checkbox per permission (the broker's and the host's;
 * one the user does not hold cannot be granted, so it is shown disabled) and
 * deleted once no member holds them (`role_in_use` says so otherwise).
 */
class RolesSection extends OrgSection<RoleList> {
  protected readonly key = 'roles';

  protected fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<RoleList> {
    return listRoles(conn, orgId, { signal });
  }

  protected loading() {
    return msg('Loading the roles…');
  }

  protected override explain(error: unknown): string {
    if (error instanceof LatchkeyError) {
      if (error.code === 'forbidden') return msg('Your own role lacks some of these permissions, so you can’t give them to a role.');
      if (pathOf(error) === 'key') return msg('Use lower-case letters, digits, - and _, starting with a letter.');
      if (pathOf(error) === 'name') return msg('Enter a name of 1 to 100 characters.');
    }
    return super.explain(error);
  }

  #save = (event: SubmitEvent, editing: Role | undefined) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const permissions = [...form.querySelectorAll<HTMLInputElement>('input[name=permissions]:checked')].map((i) => i.value);
    if (!name) return this.refuse('role:name', msg('Enter a name for the role.'), '#role-name');
    if (editing) {
      this.act('role', (conn, signal) => updateRole(conn, this.orgId, editing.key, { name, permissions }, { signal }), (role) => this.#saved(role, msg(str`${isolate(role.name)} saved.`)), this.#refused);
      return;
    }
    const typed = (form.elements.namedItem('key') as HTMLInputElement).value.trim();
    // A key left empty comes from the name ("Billing admin" -> billing-admin).
    const key = typed || name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+|-+$/g, '');
    if (!KEY.test(key)) return this.refuse('role:key', msg('Use lower-case letters, digits, - and _, starting with a letter.'), '#role-key');
    this.act('role', (conn, signal) => createRole(conn, this.orgId, { key, name, permissions }, { signal }), (role) => this.#saved(role, msg(str`${isolate(role.name)} created.`)), this.#refused);
  };

  /** A refused role goes back to the field the refusal is about, which says why. */
  #refused = (error: unknown) => {
    const path = pathOf(error);
    if (path === 'key' || (error instanceof LatchkeyError && error.code === 'role_exists')) this.focus('#role-key');
    else if (path === 'name') this.focus('#role-name');
  };

  #saved(role: Role, said: string) {
    const data = this.data!;
    data.roles = data.roles.some((r) => r.key === role.key) ? data.roles.map((r) => (r.key === role.key ? role : r)) : [...data.roles, role];
    this.open = undefined;
    this.section.announce(said);
    this.focus(`[data-key="${role.key}"] [data-action="edit"]`);
  }

  #delete(role: Role) {
    this.act(`delete:${role.key}`, (conn, signal) => deleteRole(conn, this.orgId, role.key, { signal }), () => {
      const data = this.data!;
      data.roles = data.roles.filter((r) => r.key !== role.key);
      this.open = undefined;
      this.section.announce(msg(str`${isolate(role.name)} deleted.`));
      this.focus('[data-action="create-role"]');
    });
  }

  protected renderData({ roles, permissions }: RoleList): TemplateResult {
    // A role's form takes the list's place while it is open: one thing at a time, the form in full view.
    const editing = roles.find((r) => this.open === `edit:${r.key}`);
    if (this.open === 'create' || editing) return this.#form(editing, permissions);
    return html`<p part="section-description" class="description">${msg('What each role lets its members do. The built-in roles can’t be changed; make your own for anything in between.')}</p> <button type="button" class="secondary" data-action="create-role" @click=${() => this.toggle('create', '#role-name')}>${msg('Create a role')}</button> <ul part="role-list" class="list more">${roles.map((r) => this.#row(r, roles))}</ul>`;
  }

  /** What a role allows: the owner and admin in a phrase (they hold every permission, the host's too), any other role each of its own. */
  #permissions(r: Role, name: string): TemplateResult {
    const summary = r.key === 'owner' ? msg('Every permission') : r.key === 'admin' ? msg('Every permission but deleting the organization') : undefined;
    return html`<ul class="chips" aria-label=${msg(str`Permissions of ${name}`)}>${summary ? html`<li>${summary}</li>` : r.permissions.map((p) => html`<li>${permissionLabel(p)}</li>`)}</ul>`;
  }

  #row(r: Role, roles: Role[]): TemplateResult {
    const deleting = `delete:${r.key}`;
    const name = roleLabel(r.key, roles);
    return html`<li part="role" class="row" data-key=${r.key}> <span class="icon">${shieldIcon}</span> <div class="details"> <span class="name-row"><span class="name">${name}</span>${r.built_in ? renderBadge(msg('Built-in')) : html`<code>${r.key}</code>`}</span> <span class="meta">${msg(str`Members: ${r.members}`)}</span> </div> ${r.built_in || this.open === deleting
        ? nothing
        : html`<div class="actions"> <button type="button" class="link" data-action="edit" aria-label=${msg(str`Edit ${name}`)} @click=${() => this.toggle(`edit:${r.key}`, '#role-name')}>${msg('Edit')}</button> <button type="button" class="link danger" data-action="delete" aria-label=${msg(str`Delete ${name}`)} @click=${() => this.toggle(deleting, `[data-key="${r.key}"] [data-action="cancel"]`)}>${msg('Delete')}</button> </div>`} ${this.#permissions(r, name)} ${this.open === deleting
        ? renderConfirm({
            text: msg(str`Delete the role ${isolate(name)}? Members can no longer be given it.`),
            label: msg('Delete role'),
            action: 'delete',
            busy: this.busy(deleting),
            error: this.#deleteError(r),
            onConfirm: () => this.#delete(r),
            onCancel: () => this.toggle(undefined, `[data-key="${r.key}"] [data-action="delete"]`),
          })
        : nothing} </li>`;
  }

  #deleteError(r: Role): string | undefined {
    const error = this.failure(`delete:${r.key}`);
    if (error instanceof LatchkeyError && error.code === 'role_in_use') return msg(str`Members still hold ${isolate(r.name)}. Give them another role first.`);
    return this.failed(`delete:${r.key}`);
  }

  #form(editing: Role | undefined, permissions: string[]): TemplateResult {
    const error = this.failure('role');
    const path = pathOf(error);
    const keyTaken = error instanceof LatchkeyError && error.code === 'role_exists';
    const nameError = this.failed('role:name') ?? (path === 'name' ? this.failed('role') : undefined);
    const keyError = this.failed('role:key') ?? (path === 'key' || keyTaken ? this.failed('role') : undefined);
    const formError = nameError || keyError ? undefined : this.failed('role');
    const held = this.subject!.org.permissions;
    return html`<form part="role-form" class="form panel" novalidate aria-labelledby="role-form-title" @submit=${(e: SubmitEvent) => this.#save(e, editing)}> <h4 class="panel-title" id="role-form-title">${editing ? msg(str`Edit ${editing.name}`) : msg('Create a role')}</h4> <div class="fields top"> <div class="field"> <label for="role-name">${msg('Name')}</label> <input id="role-name" name="name" maxlength="100" autocomplete="off" .value=${editing?.name ?? ''} aria-invalid=${nameError ? 'true' : 'false'} aria-describedby="role-name-error" /> ${renderFieldError('role-name', nameError)} </div> ${editing
          ? nothing
          : html`<div class="field"> <label for="role-key">${msg('Key')}</label> <input id="role-key" name="key" maxlength="40" autocomplete="off" spellcheck="false" aria-invalid=${keyError ? 'true' : 'false'} aria-describedby="role-key-hint role-key-error" /> <p class="hint" id="role-key-hint">${msg('How your app sees the role in tokens. Empty: made from the name.')}</p> ${renderFieldError('role-key', keyError)} </div>`} </div> <fieldset> <legend>${msg('Permissions')}</legend> <div class="checks">${permissions.map(
      (p) =>
        html`<label class="check"><input type="checkbox" name="permissions" value=${p} ?checked=${editing?.permissions.includes(p) ?? false} ?disabled=${!held.includes(p)} /><span><strong>${permissionLabel(p)}</strong><small><code>${p}</code></small></span></label>`,
    )}</div> </fieldset> ${renderAlert(formError)} <div class="confirm-actions"> <button class="primary" aria-disabled=${this.busy('role') ? 'true' : 'false'}>${this.busy('role') ? spinner : nothing}${editing ? msg('Save role') : msg('Create role')}</button> <button type="button" class="secondary" data-action="cancel" @click=${() => this.toggle(undefined, editing ? `[data-key="${editing.key}"] [data-action="edit"]` : '[data-action="create-role"]')}>${msg('Cancel')}</button> </div> </form>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new RolesSection(host, section);
