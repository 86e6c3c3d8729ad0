import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { OrgPolicyUnmet, SessionClient } from '@latchkey/client';
import { msg, str } from '../internal/localize.js';
import { isolate } from '../internal/locale-state.js';
import { LkOrgPolicyUnmetEvent } from '../events/org-policy-unmet.js';
import type { OrgListController } from './org-list.js';

// The panel of a switch the organization's policy refused (a chunk of its own: most switches
// never show it), in lk-org-switcher and lk-user-button. It says what the organization
// requires and offers the way there; `mfa-enroll` can open lk-mfa's enrolment in place.

/** What the organization requires, in words: a heading, a sentence, and the button that goes there. */
function wording(requirement: OrgPolicyUnmet['requirement'], org: string) {
  switch (requirement) {
    case 'mfa-enroll':
      return {
        title: msg('Two-step verification required'),
        text: msg(str`${org} requires two-step verification. Set up an authenticator app to continue.`),
        action: msg('Set up two-step verification'),
      };
    case 'mfa':
      return {
        title: msg('Two-step verification required'),
        text: msg(str`${org} requires two-step verification. Confirm it’s you with your second factor to continue.`),
        action: msg('Verify it’s you'),
      };
    case 'passkey':
      return { title: msg('Passkey required'), text: msg(str`${org} requires you to sign in with a passkey.`), action: msg('Use a passkey') };
    case 'sso':
      return { title: msg('Single sign-on required'), text: msg(str`${org} requires you to sign in through its single sign-on.`), action: msg('Continue with single sign-on') };
  }
}

export interface PolicyPanelOptions {
  unmet: OrgPolicyUnmet;
  /** The organization's name (its id when it is not listed). */
  orgName: string;
  /** `mfa-enroll` opened in place: lk-mfa's enrolment for this client, then "Continue". */
  enrolling: { client: SessionClient; enrolled: boolean } | undefined;
  onAction(): void;
  onEnrolled(): void;
  onContinue(): void;
  onBack(): void;
  /** A switch after the enrolment runs. */
  pending: boolean;
}

/** The panel: heading (focused when it opens), why, the way there, and "Back". */
export function renderPolicyPanel(o: PolicyPanelOptions): TemplateResult {
  const words = wording(o.unmet.requirement, isolate(o.orgName));
  const enrol = o.enrolling;
  const body = enrol
    ? html`<lk-mfa mode="enroll" .client=${enrol.client} @lk-mfa-enrolled=${o.onEnrolled}></lk-mfa> ${enrol.enrolled
          ? html`<button class="primary" type="button" aria-disabled=${o.pending} @click=${o.onContinue}>${msg(str`Continue to ${isolate(o.orgName)}`)}</button>`
          : nothing}`
    : html`<p class="panel-text">${words.text}</p> <button class="primary" type="button" @click=${o.onAction}>${words.action}</button>`;
  return html`<h3 class="panel-title" id="panel-title" tabindex="-1">${words.title}</h3> ${body} <button class="secondary" type="button" @click=${o.onBack}>${msg('Back to organizations')}</button>`;
}

export interface PolicyPanelHost {
  orgs: OrgListController;
  client(): SessionClient | undefined;
  /** Closes the popup (the host handles the requirement), focus back on its button. */
  close(): void;
  /** Back to the menu. */
  back(): void;
  /** Switches to `orgId` again (after an enrolment in place). */
  retry(orgId: string): void;
}

/**
 * The panel's behaviour, the same in lk-org-switcher and lk-user-button: its button
 * fires `lk-org-policy-unmet` (the host's to handle, and the popup closes); for
 * `mfa-enroll`, unless a listener cancelled that, lk-mfa's enrolment opens in place (where lk-mfa is defined),
 * and once the app is in (its recovery codes on screen) "Continue" switches again.
 */
export class PolicyPanel {
  /** lk-mfa's enrolment is open, and whether the app is in. */
  enrolling?: { enrolled: boolean };
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #o: PolicyPanelHost;

  constructor(host: ReactiveControllerHost & HTMLElement, o: PolicyPanelHost) {
    this.#host = host;
    this.#o = o;
  }

  /** A new refusal (or the menu again): no enrolment open. */
  reset() {
    this.enrolling = undefined;
  }

  render(): TemplateResult {
    const { orgs } = this.#o;
    const unmet = orgs.unmet!;
    const client = this.#o.client();
    return renderPolicyPanel({
      unmet,
      orgName: unmet.organization?.name ?? orgs.find(unmet.org_id)?.name ?? unmet.org_id,
      enrolling: this.enrolling && client ? { client, enrolled: this.enrolling.enrolled } : undefined,
      pending: orgs.switching.status === 'pending',
      onAction: () => this.#meet(),
      onEnrolled: () => this.#set({ enrolled: true }),
      onContinue: () => this.#o.retry(unmet.org_id),
      onBack: () => this.#o.back(),
    });
  }

  #set(enrolling: { enrolled: boolean } | undefined) {
    this.enrolling = enrolling;
    this.#host.requestUpdate();
  }

  #meet() {
    const unmet = this.#o.orgs.unmet;
    if (!unmet) return;
    const proceed = this.#host.dispatchEvent(new LkOrgPolicyUnmetEvent({ requirement: unmet.requirement, org_id: unmet.org_id }));
    // lk-mfa opens in place where the page has it (every element's bundle does; a page of the switcher
    // alone imports `@latchkey/elements/mfa.js` for it): the switcher never carries lk-mfa's code itself.
    if (!proceed || unmet.requirement !== 'mfa-enroll' || !customElements.get('lk-mfa')) return this.#o.close();
    this.#set({ enrolled: false });
  }
}
