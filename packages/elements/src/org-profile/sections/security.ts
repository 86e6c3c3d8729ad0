import { html, nothing, type TemplateResult } from 'lit';
import { getOrgPolicies, LatchkeyError, listMembers, updateOrgPolicies, type Connection, type OrgPolicies } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { formatDate } from '../../internal/dates.js';
import type { SectionFactory } from '../../internal/sections/lazy-section.js';
import { OrgSection, type OrgSectionHost, type OrgSubject } from '../org-section.js';
import { renderAlert, renderFieldError, spinner } from '../org-templates.js';

interface Security {
  policies: OrgPolicies;
  /** Members who do not meet the policies now, counted over at most `PAGES` pages; null where the user may not list members. */
  outOfPolicy: number | null;
  /** Whether there were more members than were counted. */
  more: boolean;
}

/** Pages of members counted (fifty each): enough for the count to mean something, few enough to stay quick. */
const PAGES = 10;
type Requirement = 'require_mfa' | 'require_passkey' | 'require_sso';
const REQUIREMENTS: ReadonlyArray<[Requirement, () => string, () => string]> = [
  ['require_mfa', () => msg('Require two-step verification'), () => msg('Members sign in with a second factor as well: an authenticator app or a passkey.')],
  ['require_passkey', () => msg('Require a passkey'), () => msg('Members sign in with a passkey, which can’t be phished.')],
  ['require_sso', () => msg('Require single sign-on'), () => msg('Members sign in through the organization’s identity provider.')],
];

/** Members who do not meet the policy, over the first pages of members. */
async function countOutOfPolicy(conn: Connection, orgId: string, signal: AbortSignal): Promise<{ count: number; more: boolean }> {
  let count = 0;
  let after: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const list = await listMembers(conn, orgId, after ? { after } : {}, { signal });
    count += list.members.filter((m) => m.out_of_policy.length).length;
    if (!list.next) return { count, more: false };
    after = list.next;
  }
  return { count, more: true };
}

/**
 * "Security": what every member must sign in with (a second factor, a passkey,
 * the organization's single sign-on) and for how many days a newly required
 * policy still lets in those who do not meet it yet; and how many members do
 * not meet it now. Saving is a change of the organization's security, so the
 * broker may ask for a step-up first.
 */
class SecuritySection extends OrgSection<Security> {
  protected readonly key = 'security';

  protected async fetch(conn: Connection, orgId: string, signal: AbortSignal): Promise<Security> {
    const [policies, counted] = await Promise.all([getOrgPolicies(conn, orgId, { signal }), this.can('members:read') ? countOutOfPolicy(conn, orgId, signal) : null]);
    return { policies, outOfPolicy: counted?.count ?? null, more: counted?.more ?? false };
  }

  protected loading() {
    return msg('Loading the security policies…');
  }

  protected override explain(error: unknown): string {
    if (error instanceof LatchkeyError && error.code === 'no_connection') return msg('Single sign-on can’t be required yet: the organization has no single sign-on connection. Set one up first.');
    if (error instanceof LatchkeyError && error.problem?.errors?.some((e) => e.path === 'grace_days')) return msg('Enter a number of days from 0 to 90.');
    return super.explain(error);
  }

  #save = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const checked = (name: Requirement) => (form.elements.namedItem(name) as HTMLInputElement).checked;
    const grace = (form.elements.namedItem('grace_days') as HTMLInputElement).value.trim();
    const days = Number(grace);
    if (grace === '' || !Number.isInteger(days) || days < 0 || days > 90) return this.refuse('grace', msg('Enter a number of days from 0 to 90.'), '#grace-days');
    const body = { require_mfa: checked('require_mfa'), require_passkey: checked('require_passkey'), require_sso: checked('require_sso'), grace_days: days };
    this.act(
      'save',
      (conn, signal) => updateOrgPolicies(conn, this.orgId, body, { signal }),
      (policies) => {
        this.data = { ...this.data!, policies };
        this.section.announce(msg('Security policies saved.'));
        // Who meets them may have changed: count again.
        this.reload();
      },
      (error) => {
        if (error instanceof LatchkeyError && error.problem?.errors?.some((e) => e.path === 'grace_days')) this.focus('#grace-days');
      },
    );
  };

  protected renderData({ policies, outOfPolicy, more }: Security): TemplateResult {
    const saveError = this.failure('save');
    const graceError = this.failed('grace') ?? (saveError instanceof LatchkeyError && saveError.problem?.errors?.some((e) => e.path === 'grace_days') ? this.failed('save') : undefined);
    const noConnection = saveError instanceof LatchkeyError && saveError.code === 'no_connection';
    return html`<p part="section-description" class="description">${msg('How every member must sign in. A member who doesn’t meet a policy is asked to fix it at their next sign-in.')}</p> ${this.#summary(outOfPolicy, more)} <form part="policies" class="form" novalidate @submit=${this.#save}> <fieldset> <legend class="visually-hidden">${msg('Requirements')}</legend> <div class="checks">${REQUIREMENTS.map(
      ([name, label, hint]) =>
        html`<label class="check"><input type="checkbox" name=${name} .checked=${policies[name]} aria-describedby=${name === 'require_sso' && noConnection ? 'policies-error' : nothing} /><span><strong>${label()}</strong><small>${hint()}</small></span></label>`,
    )}</div> </fieldset> <div class="fields"> <div class="field narrow"> <label for="grace-days">${msg('Grace period (days)')}</label> <input id="grace-days" name="grace_days" type="number" min="0" max="90" inputmode="numeric" .value=${String(policies.grace_days)} aria-invalid=${graceError ? 'true' : 'false'} aria-describedby="grace-days-hint grace-days-error" /> ${renderFieldError('grace-days', graceError)} </div> </div> <p class="hint" id="grace-days-hint">${policies.grace_until
        ? msg(str`Members who don’t meet a new policy can still sign in until ${formatDate(policies.grace_until)}.`)
        : msg('Days a newly required policy still lets in members who don’t meet it yet. 0: at once.')}</p> <div id="policies-error">${renderAlert(graceError ? undefined : this.failed('save'))}</div> <div><button class="primary" aria-disabled=${this.busy('save') ? 'true' : 'false'}>${this.busy('save') ? spinner : nothing}${msg('Save policies')}</button></div> </form>`;
  }

  #summary(count: number | null, more: boolean): TemplateResult | typeof nothing {
    if (count === null) return nothing;
    if (count === 0) return html`<p part="out-of-policy" class="summary">${more ? msg('None of the first 500 members is out of policy.') : msg('Every member meets these policies.')}</p>`;
    const text = more ? msg(str`At least ${count} members don’t meet these policies yet.`) : count === 1 ? msg('1 member doesn’t meet these policies yet.') : msg(str`${count} members don’t meet these policies yet.`);
    return html`<p part="out-of-policy" class="summary warn">${text} ${msg('The Members section marks them “Out of policy”.')}</p>`;
  }
}

export const make: SectionFactory<OrgSubject, OrgSectionHost> = (host, section) => new SecuritySection(host, section);
