import { html, type ReactiveControllerHost, type TemplateResult } from 'lit';
import {
  acceptInvitation,
  joinWithInviteLink,
  LatchkeyError,
  previewInvitation,
  previewInviteLink,
  type Organization,
  type SessionClient,
  type User,
} from '@latchkey/client';
import { msg, str } from '../internal/localize.js';
import { isolate } from '../internal/locale-state.js';
import { LatestTask } from '../internal/latest-task.js';
import { errorMessage, loadErrorMessages } from '../internal/messages.js';
import { roleLabel } from '../internal/role-label.js';
import { switchTab } from '../internal/org-session.js';
import { addFormStyles, formScope } from '../internal/form-styles.js';
import { renderAlert, renderRetry } from '../internal/templates/alert.js';
import { renderSubmit } from '../internal/templates/submit.js';
import { LkOrgChangedEvent } from '../events/org-changed.js';

// lk-sign-up's invitations and invite links (issue 24 §2): a chunk of its own, imported only on
// a page that carries one (`invitation`, `invite`, or `lk_invitation` / `lk_invite` in its URL).

// An invitation's address is shown and sent, not typed: it reads as fixed.
addFormStyles(`@layer latchkey{${formScope} input[readonly]{color:var(--_muted);background:color-mix(in srgb,var(--_text) 5%,var(--_input-bg))}}`);

export type JoinKind = 'invitation' | 'invite';

/** What the sign-up page shows of the invitation or link: the organization, the role, and an invitation's address. */
interface Preview {
  organization: { id: string; name: string };
  role: string;
  email?: string;
}

export interface JoinOptions {
  kind: JoinKind;
  token: string;
  client(): SessionClient;
  failed(error: unknown): void;
  /** Joined (and, where the broker let it, switched into): the host goes on (`return-to`). */
  joined(organization: Organization): void;
}

/**
 * One invitation or invite link on the sign-up page: its preview (no session
 * needed), then the join — right after the account is made, or with "Join"
 * for someone already signed in — then a switch of the tab into the
 * organization and `lk-org-changed`. An unknown, used, revoked or expired one
 * says so (`invitation_invalid`), and the page can still make an account.
 */
export class JoinFlow {
  preview?: Preview;
  joinedOrg?: Organization;
  /** The user chose to make an account without it. */
  dropped = false;
  readonly load: LatestTask<[], Preview>;
  readonly joining: LatestTask<[], Organization>;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #o: JoinOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, o: JoinOptions) {
    this.#host = host;
    this.#o = o;
    this.load = new LatestTask(host, {
      task: async (_: [], { signal }) => {
        const conn = o.client().connection;
        try {
          return o.kind === 'invitation' ? await previewInvitation(conn, o.token, { signal }) : await previewInviteLink(conn, o.token, { signal });
        } catch (error) {
          // Said in words, never generic: the messages first.
          await loadErrorMessages().catch(() => {});
          throw error;
        }
      },
      onComplete: (preview) => (this.preview = preview),
      onError: (error) => o.failed(error),
    });
    this.joining = new LatestTask(host, {
      task: async (_: [], { signal }) => {
        const client = o.client();
        const body = { token: o.token };
        let organization: Organization;
        try {
          organization = o.kind === 'invitation' ? await acceptInvitation(client.connection, body, { signal }) : await joinWithInviteLink(client.connection, body, { signal });
        } catch (error) {
          await loadErrorMessages().catch(() => {});
          throw error;
        }
        this.joinedOrg = organization;
        // In: this tab works in it from now on, if its policy lets this session in (else it stays joined, and the switcher says what it needs).
        try {
          const switched = await switchTab(client, organization.id, { signal });
          host.dispatchEvent(new LkOrgChangedEvent({ org_id: switched?.id ?? null, organization: switched }));
        } catch (error) {
          o.failed(error);
        }
        return organization;
      },
      onComplete: (organization) => o.joined(organization),
      onError: (error) => o.failed(error),
    });
    void this.load.run([]);
    // Whether someone is signed in decides between the form and "Join": the session is read if nobody asked yet.
    const session = o.client().session;
    if (session.state.status === 'loading') session.refresh().catch(() => {});
  }

  /** The preview is in, and nothing is joined yet: the page shows the invitation. */
  get open(): boolean {
    return !this.dropped && !!this.preview && !this.joinedOrg;
  }

  /** The join runs on its own once the account is made (the flow's `done`). */
  accountMade() {
    if (this.open && this.joining.status === 'initial') void this.joining.run([]);
  }

  /** The invitation's address, to fill in and fix on the sign-up form. */
  get email(): string | undefined {
    return this.open ? this.preview!.email : undefined;
  }

  /**
   * The card's heading and line; undefined where the sign-up's own show: after "without it",
   * and on the steps of making the account (`view`: the sign-up's, `details` first, `done` last).
   */
  card(user: User | undefined, view: string): { title: string; subtitle?: string } | undefined {
    if (this.dropped || (this.open && view !== 'details' && view !== 'done')) return undefined;
    const accountJustMade = view === 'done';
    const org = this.preview && isolate(this.preview.organization.name);
    const role = this.preview && roleLabel(this.preview.role);
    if (this.joinedOrg) return { title: msg(str`You’ve joined ${isolate(this.joinedOrg.name)}`), subtitle: msg(str`Your role in ${isolate(this.joinedOrg.name)}: ${roleLabel(this.joinedOrg.role)}.`) };
    if (this.load.status === 'error') {
      const invalid = this.load.error instanceof LatchkeyError && this.load.error.code === 'invitation_invalid';
      return invalid ? { title: msg('This invitation can’t be used'), subtitle: errorMessage(this.load.error) } : { title: msg('Join an organization') };
    }
    if (!this.preview) return { title: msg('Checking your invitation…') };
    if (this.joining.status === 'pending' || (accountJustMade && this.joining.status !== 'error')) return { title: msg(str`Joining ${org}…`) };
    if (user) return { title: msg(str`Join ${org}`), subtitle: msg(str`You’re signed in as ${isolate(user.email)}. Join ${org} as ${role}?`) };
    return { title: msg(str`Join ${org}`), subtitle: msg(str`Create your account to join ${org} as ${role}.`) };
  }

  /**
   * The form in place of the sign-up's: "Join" for someone signed in, why an
   * invitation cannot be used, "Try again"; undefined where the sign-up form shows.
   */
  renderForm(user: User | undefined, view: string): TemplateResult | undefined {
    if (this.dropped || (this.open && view !== 'details' && view !== 'done')) return undefined;
    const accountJustMade = view === 'done';
    if (this.joinedOrg) return html``;
    if (this.load.status === 'error') {
      const invalid = this.load.error instanceof LatchkeyError && this.load.error.code === 'invitation_invalid';
      if (!invalid) return renderRetry(errorMessage(this.load.error), () => void this.load.run([]));
      return user
        ? html``
        : html`<div class="lk-form"><button type="button" class="lk-secondary" @click=${this.#drop}>${msg('Create an account without it')}</button></div>`;
    }
    if (!this.preview) return html``;
    const failed = this.joining.status === 'error' ? errorMessage(this.joining.error) : '';
    if (accountJustMade && !failed) return html``;
    if (!user) return undefined;
    const org = isolate(this.preview.organization.name);
    return html`<form class="lk-form" novalidate @submit=${this.#submit}> ${renderAlert(failed)} ${renderSubmit(msg(str`Join ${org}`), this.joining.status === 'pending')} </form>`;
  }

  #submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (this.joining.status !== 'pending') void this.joining.run([]);
  };

  #drop = () => {
    this.dropped = true;
    this.#host.requestUpdate();
  };
}
