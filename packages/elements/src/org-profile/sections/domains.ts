import { html, nothing, type TemplateResult } from 'lit';
import { addDomain, LatchkeyError, listDomains, removeDomain, updateDomain, verifyDomain, type Connection, type OrgDomain } from '@latchkey/client';
import { live } from 'lit/directives/live.js';
import { msg, str } from '../../internal/localize.js';
import { isolate } from '../../internal/locale-state.js';
import { formatDate } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { renderAlert, renderBadge, renderConfirm, renderCopy, renderFieldError, spinner } from '../org-templates.js';

const globeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9Z" /></svg>`;

type Enrollment = OrgDomain['enrollment'];
const ENROLLMENTS: Enrollment[] = ['manual', 'request', 'automatic'];

function enrollmentLabel(e: Enrollment): string {
  switch (e) {
    case 'manual':
      return msg('Only people you invite');
    case 'request':
      return msg('People with an address here can ask to join');
    case 'automatic':
      return msg('People with an address here join at once');
  }
}

/** Ids for a domain's fields: a domain's dots are fine in an id, but not in a selector without escaping. */
const idOf = (domain: string) => domain.replace(/[^a-z0-9-]/g, '_');

/**
 * "Domains": the organization's email domains. A new one is unverified until
 * its TXT record (name and value, each with Copy) is published and "Verify"
 * finds it (`domain_unverified` while the record is not there yet). Once
 * verified, "Who can join" says what a verified address at it may do:
 * nothing, ask to join, or join at once (domain capture, only for a domain
 * proven by DNS: one set by an administrator offers it disabled).
 */
class DomainsSection extends OrgSection<OrgDomain[]> {
  protected readonly key = 'domains';
  /** The domain being added, for its failure's words. */
  #adding = '';

  protected async fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<OrgDomain[]> {
    return (await listDomains(conn, orgId, { signal })).domains;
  }

  protected loading() {
    return msg('Loading the domains…');
  }

  protected override explain(error: unknown): string {
    if (error instanceof LatchkeyError) {
      switch (error.code) {
        case 'domain_unverified':
          return msg('We could not find the record yet. DNS changes can take a while to show: try again in a few minutes.');
        case 'public_email_domain':
          return msg(str`${isolate(this.#adding)} is a public email provider, so it can’t belong to an organization.`);
        case 'domain_taken':
          return msg(str`${isolate(this.#adding)} already belongs to another organization.`);
        case 'invalid_request':
          return msg('Enter a domain name, like example.com.');
      }
    }
    return super.explain(error);
  }

  #replace(domain: OrgDomain) {
    this.data = this.data!.map((d) => (d.domain === domain.domain ? domain : d));
  }

  #add = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const domain = (form.elements.namedItem('domain') as HTMLInputElement).value.trim().toLowerCase();
    if (!/^[^\s@/]+\.[^\s@/]+$/.test(domain)) return this.refuse('add', msg('Enter a domain name, like example.com.'), '#domain-name');
    this.#adding = domain;
    this.act('add', (conn, signal) => addDomain(conn, this.orgId, { domain }, { signal }), (added) => {
      this.data = [...this.data!, added];
      form.reset();
      this.section.announce(msg(str`${isolate(added.domain)} added. Publish its TXT record, then verify it.`));
      this.focus(`[data-domain="${added.domain}"] [data-action="copy"]`);
    }, () => this.focus('#domain-name'));
  };

  #verify(d: OrgDomain) {
    this.act(`verify:${d.domain}`, (conn, signal) => verifyDomain(conn, this.orgId, d.domain, { signal }), (verified) => {
      this.#replace(verified);
      this.section.announce(msg(str`${isolate(verified.domain)} is verified.`));
      this.focus(`#enrollment-${idOf(verified.domain)}`);
    });
  }

  #enroll(d: OrgDomain, enrollment: Enrollment) {
    this.act(`enroll:${d.domain}`, (conn, signal) => updateDomain(conn, this.orgId, d.domain, { enrollment }, { signal }), (updated) => {
      this.#replace(updated);
      this.section.announce(msg(str`${isolate(updated.domain)}: ${enrollmentLabel(updated.enrollment)}.`));
    });
  }

  #remove(d: OrgDomain) {
    this.act(`remove:${d.domain}`, (conn, signal) => removeDomain(conn, this.orgId, d.domain, { signal }), () => {
      this.data = this.data!.filter((x) => x.domain !== d.domain);
      this.open = undefined;
      this.section.announce(msg(str`${isolate(d.domain)} removed.`));
      this.focus('#domain-name');
    });
  }

  protected renderData(domains: OrgDomain[]): TemplateResult {
    const addError = this.failed('add');
    return html`<p part="section-description" class="description">${msg('Prove the organization owns its email domains, then choose whether people with an address there can join.')}</p> <form class="form" novalidate @submit=${this.#add}> <div class="fields"> <div class="field"> <label for="domain-name">${msg('Domain')}</label> <input id="domain-name" name="domain" autocomplete="off" spellcheck="false" inputmode="url" aria-invalid=${addError ? 'true' : 'false'} aria-describedby="domain-name-error" /> </div> <button class="primary" aria-disabled=${this.busy('add') ? 'true' : 'false'}>${this.busy('add') ? spinner : nothing}${msg('Add domain')}</button> </div> ${renderFieldError('domain-name', addError)} </form> ${domains.length
        ? html`<ul part="domain-list" class="list">${domains.map((d) => this.#row(d))}</ul>`
        : html`<p class="empty">${msg('No domains yet.')}</p>`}`;
  }

  #row(d: OrgDomain): TemplateResult {
    const removing = `remove:${d.domain}`;
    const status = d.verification === 'dns' ? renderBadge(msg('Verified'), 'synced') : d.verification === 'admin' ? renderBadge(msg('Verified by an administrator'), 'synced') : renderBadge(msg('Not verified'), 'warn');
    return html`<li part="domain" class="row" data-domain=${d.domain}> <span class="icon">${globeIcon}</span> <div class="details"> <span class="name-row"><span class="name"><bdi>${d.domain}</bdi></span>${status}</span> <span class="meta">${d.verified_at ? msg(str`Verified ${formatDate(d.verified_at)}`) : msg(str`Added ${formatDate(d.created_at)}`)}</span> </div> ${this.open === removing
        ? nothing
        : html`<div class="actions"><button type="button" class="link danger" data-action="remove" aria-label=${msg(str`Remove ${d.domain}`)} @click=${() => this.toggle(removing, `[data-domain="${d.domain}"] [data-action="cancel"]`)}>${msg('Remove')}</button></div>`} ${d.verification
        ? this.#enrollment(d)
        : this.#record(d)} ${this.open === removing
        ? renderConfirm({
            text: msg(str`Remove ${isolate(d.domain)}? People with an address there can no longer ask or join by it.`),
            label: msg('Remove domain'),
            action: 'remove',
            busy: this.busy(removing),
            error: this.failed(removing),
            onConfirm: () => this.#remove(d),
            onCancel: () => this.toggle(undefined, `[data-domain="${d.domain}"] [data-action="remove"]`),
          })
        : nothing} </li>`;
  }

  /** The TXT record to publish, and "Verify". */
  #record(d: OrgDomain): TemplateResult {
    const key = `verify:${d.domain}`;
    const { name, value } = d.txt_record;
    return html`<div part="txt-record" class="record"> <p>${msg('Publish this TXT record with your DNS provider, then choose Verify.')}</p> <dl> <dt>${msg('Name')}</dt><dd><code dir="ltr">${name}</code></dd><dd>${renderCopy(name, msg('Copy name'), this.copied, this.copy)}</dd> <dt>${msg('Value')}</dt><dd><code dir="ltr">${value}</code></dd><dd>${renderCopy(value, msg('Copy value'), this.copied, this.copy)}</dd> </dl> ${renderAlert(this.failed(key))} <div class="confirm-actions"><button type="button" class="primary copy" data-action="verify" aria-label=${msg(str`Verify ${d.domain}`)} aria-disabled=${this.busy(key) ? 'true' : 'false'} @click=${() => this.#verify(d)}>${this.busy(key) ? spinner : nothing}${msg('Verify')}</button></div> </div>`;
  }

  /** Who may join by a verified domain. */
  #enrollment(d: OrgDomain): TemplateResult {
    const id = `enrollment-${idOf(d.domain)}`;
    const key = `enroll:${d.domain}`;
    return html`<div class="setting"> <label for=${id}>${msg('Who can join')}</label> <select id=${id} aria-describedby="${id}-hint" ?disabled=${this.busy(key)} @change=${(e: Event) => this.#enroll(d, (e.target as HTMLSelectElement).value as Enrollment)}>${ENROLLMENTS.map(
      (e) => html`<option value=${e} ?disabled=${e === 'automatic' && d.verification !== 'dns'} .selected=${live(e === d.enrollment)}>${enrollmentLabel(e)}</option>`,
    )}</select> ${this.busy(key) ? spinner : nothing} <p class="hint" id="${id}-hint">${d.verification === 'dns'
        ? msg('Joining at once needs no approval: anyone with a verified address here becomes a member.')
        : msg('Joining at once needs the domain verified by its DNS record.')}</p> ${renderAlert(this.failed(key))} </div>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new DomainsSection(host, section);
