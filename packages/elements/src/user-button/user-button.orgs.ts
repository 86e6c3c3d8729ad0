import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { SessionClient, SessionState } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import type { MenuController } from '../internal/controllers/menu-controller.js';
import { OrgListController, renderOrgItems } from '../org-switcher/org-list.js';
import type { PolicyPanel } from '../org-switcher/org-policy.js';

// lk-user-button's organizations: a chunk imported when its menu first opens. The list, the
// switch and the entries are lk-org-switcher's (org-list.ts); a refused switch shows its
// policy panel (org-policy.ts) in place of the menu.

const importPolicy = () => import('../org-switcher/org-policy.js');

export interface UserButtonOrgsOptions {
  client(): SessionClient;
  failed(error: unknown): void;
  menu: MenuController;
}

export class UserButtonOrgs {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #o: UserButtonOrgsOptions;
  readonly #orgs: OrgListController;
  #policy?: PolicyPanel;
  #listedFor?: string;

  constructor(host: ReactiveControllerHost & HTMLElement, o: UserButtonOrgsOptions) {
    this.#host = host;
    this.#o = o;
    this.#orgs = new OrgListController(host, { client: o.client, failed: o.failed });
  }

  /** A sign-in as someone else (or a sign-out) forgets the list. */
  sessionChanged(state: SessionState) {
    const who = state.status === 'signed-in' ? state.user.id : undefined;
    if (who === this.#listedFor) return;
    this.#listedFor = who;
    this.#orgs.list = undefined;
    this.#orgs.unmet = undefined;
  }

  /** Reads the list again (each time the menu opens: roles change). */
  refresh() {
    this.#orgs.unmet = undefined;
    this.#policy?.reset();
    if (this.#listedFor && this.#orgs.load.status !== 'pending') void this.#orgs.load.run([]);
  }

  /**
   * The menu's organizations, in a group under its heading, then a divider; nothing
   * until they are read, or for a user in none of them.
   */
  renderItems(): TemplateResult | typeof nothing {
    const list = this.#orgs.list;
    if (!list?.organizations.length) return nothing;
    const failed = this.#orgs.switching.status === 'error' && !this.#orgs.unmet;
    return html`<div role="group" aria-labelledby="orgs-label"> <p class="group-label" id="orgs-label" role="presentation">${msg('Organizations')}</p> ${renderOrgItems({ list, activeId: this.#orgs.activeId, target: this.#orgs.target, onPick: (id) => void this.#pick(id) })} </div> ${failed
        ? html`<p class="switch-failed" role="alert">${msg('That switch didn’t go through. Try again.')}</p>`
        : nothing} <div role="separator"></div>`;
  }

  /** In place of the menu: what an organization's policy requires, once a switch was refused. */
  renderPanel(dir: 'rtl' | undefined): TemplateResult | undefined {
    if (!this.#orgs.unmet || !this.#policy) return undefined;
    return html`<div part="panel" id="menu" role="dialog" aria-labelledby="panel-title" dir=${ifDefined(dir)} @keydown=${this.#onPanelKeydown}>${this.#policy.render()}</div>`;
  }

  #onPanelKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.#o.menu.close(true);
  };

  async #pick(orgId: string | null) {
    const { menu } = this.#o;
    const orgs = this.#orgs;
    if (orgId === orgs.activeId && !orgs.unmet) return menu.close(true);
    await orgs.pick(orgId);
    if (orgs.switching.status === 'complete') {
      this.#policy?.reset();
      return menu.close(true);
    }
    if (!orgs.unmet) return;
    const panel = await this.#policyPanel().catch(() => undefined);
    if (!panel) return;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    if (!panel.enrolling) this.#host.shadowRoot?.querySelector<HTMLElement>('#panel-title')?.focus();
  }

  async #policyPanel(): Promise<PolicyPanel> {
    if (this.#policy) return this.#policy;
    const { PolicyPanel } = await importPolicy();
    return (this.#policy ??= new PolicyPanel(this.#host, {
      orgs: this.#orgs,
      client: () => {
        try {
          return this.#o.client();
        } catch {
          return undefined;
        }
      },
      close: () => this.#o.menu.close(true),
      back: () => {
        this.#orgs.unmet = undefined;
        this.#policy?.reset();
        void this.#o.menu.show();
      },
      retry: (orgId) => void this.#pick(orgId),
    }));
  }
}
