import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import { LatestTask } from '../internal/latest-task.js';
import {
  connectAccount,
  disconnectAccount,
  LatchkeyError,
  listConnectedAccounts,
  resumeSignIn,
  type ConnectedAccounts,
  type SocialProvider,
  type Step,
  type User,
} from '@latchkey/client';
import { errorMessage } from '../internal/messages.js';
import { idpErrorMessage } from './connected-accounts.messages.js';
import { renderAccountList, renderAccountsSection, renderConnect, type AccountsCallbacks, type AccountsView } from './connected-accounts.template.js';
// The same skeleton, and "could not load, Try again" block, as the passkeys list.
import { renderLoadFailed, renderRowsLoading } from '../internal/sections/section-templates.js';
import type { ProfileSection, SectionHost } from './section.js';

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/** The query parameter the broker's callback adds to `resume_url` (shared decision of issue 21). */
const RESUME_PARAM = 'lk_resume';

/**
 * True once per return from the provider: the page came back with `lk_resume`,
 * which is removed from the address bar at once (a reload or a shared link must
 * not resume again; the broker answers a flow once anyway).
 */
function takeResume(): boolean {
  const url = new URL(location.href);
  if (!url.searchParams.has(RESUME_PARAM)) return false;
  url.searchParams.delete(RESUME_PARAM);
  history.replaceState(history.state, '', url);
  return true;
}

/**
 * The "Connected accounts" section of `lk-user-profile`: the identities of other
 * providers attached to the account (`listConnectedAccounts`), a "Connect"
 * button per provider not connected yet, and "Disconnect" after a yes (refused
 * by the broker, and said, when it is the last way in). Connecting leaves the
 * page for the provider (`connectAccount`, then the host's `navigate`); when the
 * page comes back with `lk_resume`, the flow's outcome (`resumeSignIn`) is asked
 * before the list: `done` announces the new account, `idp-error` says why not.
 */
export class ConnectedAccountsSection implements ProfileSection {
  #accounts: ConnectedAccounts = { accounts: [], available: [] };
  #confirming?: string;
  /** Which account the last disconnect was about, so its failure shows at that row only. */
  #disconnected?: string;
  #connecting?: SocialProvider;
  /** Why the last connect failed: the broker's answer, or the provider's (after the page came back). */
  #alert?: string;
  #user?: User;

  readonly #list: LatestTask<[boolean], { accounts: ConnectedAccounts; step?: Step }>;
  readonly #remove: LatestTask<[string], string>;
  readonly #connect: LatestTask<[SocialProvider], void>;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #section: SectionHost;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost) {
    this.#host = host;
    this.#section = section;
    host.addController(this);
    this.#list = new LatestTask(host, {
      task: async ([resume]: [boolean], { signal }) => {
        // `no_flow` (the flow was answered already, or expired) leaves nothing to say.
        const step = resume ? await resumeSignIn(this.#conn(), { signal }).catch((e: unknown) => (e instanceof LatchkeyError && e.code === 'no_flow' ? undefined : Promise.reject(e))) : undefined;
        return { accounts: await listConnectedAccounts(this.#conn(), { signal }), ...(step ? { step } : {}) };
      },
      onComplete: ({ accounts, step }) => {
        this.#accounts = accounts;
        if (step?.step === 'idp-error') this.#alert = idpErrorMessage(step);
        if (step?.step === 'done') {
          // The answer does not say which provider: it is the account connected last.
          const newest = accounts.accounts.reduce<ConnectedAccounts['accounts'][number] | undefined>((a, b) => (a && a.created_at > b.created_at ? a : b), undefined);
          if (newest) this.#section.announce(msg(str`${newest.provider.name} connected.`));
        }
      },
      onError: (error) => this.#failed(error),
    });
    this.#remove = new LatestTask(host, {
      task: async ([id]: [string], { signal }) => {
        await this.#section.sensitive(() => disconnectAccount(this.#conn(), id, { signal }));
        return id;
      },
      onComplete: (id) => {
        const { accounts, available } = this.#accounts;
        const at = accounts.findIndex((a) => a.id === id);
        const gone = accounts[at]!;
        const left = accounts.filter((a) => a.id !== id);
        // Its provider can be connected again, unless another account of it is still there.
        const again = left.some((a) => a.provider.id === gone.provider.id) || available.some((p) => p.id === gone.provider.id);
        this.#accounts = { accounts: left, available: again ? available : [...available, gone.provider] };
        this.#confirming = undefined;
        this.#section.announce(msg(str`${gone.provider.name} disconnected.`));
        const next = left[at] ?? left[at - 1];
        this.#section.focus(next ? `[data-id="${next.id}"] [data-action="disconnect"]` : '[part~="connect-button"]');
      },
      onError: (error) => {
        this.#failed(error);
        this.#section.focus('[data-action="cancel-disconnect"]');
      },
    });
    this.#connect = new LatestTask(host, {
      task: async ([provider]: [SocialProvider], { signal }) => {
        // Back to this very page; the broker adds `lk_resume` to it.
        const step = await this.#section.sensitive(() => connectAccount(this.#conn(), { provider: provider.id, resume_url: location.href }, { signal }));
        this.#section.navigate(step.url);
      },
      onError: (error) => {
        this.#connecting = undefined;
        if (!isAbort(error)) this.#alert = errorMessage(error);
        this.#failed(error);
      },
    });
  }

  get states(): string[] {
    const states = [];
    if (this.#list.status === 'pending') states.push('loading');
    if (this.#connecting) states.push('connecting-account');
    return states;
  }

  subjectChanged(user: User | undefined) {
    if (user?.id === this.#user?.id) return;
    this.#user = user;
    for (const task of [this.#list, this.#remove, this.#connect]) task.abort();
    this.#accounts = { accounts: [], available: [] };
    this.#confirming = this.#disconnected = this.#connecting = this.#alert = undefined;
    if (user) void this.#list.run([takeResume()]);
  }

  hostConnected() {}

  #conn() {
    return this.#section.client().connection;
  }

  /** Tells the page; a session the broker no longer knows signs the page out (every element follows). */
  #failed(error: unknown) {
    if (isAbort(error)) return;
    this.#section.reportError(error);
    if (error instanceof LatchkeyError && error.code === 'unauthenticated') this.#section.client().session.set(null);
  }

  readonly #callbacks: AccountsCallbacks = {
    onStartDisconnect: (id) => {
      this.#disconnected = this.#alert = undefined;
      this.#confirming = id;
      this.#host.requestUpdate();
      this.#section.focus('[data-action="cancel-disconnect"]');
    },
    onDisconnect: (id) => {
      if (this.#remove.status === 'pending') return;
      this.#disconnected = id;
      void this.#remove.run([id]);
    },
    onCancelDisconnect: () => {
      const id = this.#confirming;
      this.#remove.abort();
      this.#confirming = undefined;
      this.#host.requestUpdate();
      this.#section.focus(`[data-id="${id}"] [data-action="disconnect"]`);
    },
    onConnect: (provider) => {
      if (this.#connecting) return;
      this.#connecting = provider;
      this.#alert = undefined;
      void this.#connect.run([provider]);
    },
  };

  #view(): AccountsView {
    const failed = this.#remove.status === 'error' && !isAbort(this.#remove.error) && this.#disconnected === this.#confirming ? this.#remove.error : undefined;
    return {
      ...this.#accounts,
      ...(this.#confirming
        ? {
            confirming: {
              id: this.#confirming,
              pending: this.#remove.status === 'pending',
              error: failed === undefined ? undefined : errorMessage(failed),
              refused: failed instanceof LatchkeyError && failed.code === 'last_way_in',
            },
          }
        : {}),
      connecting: this.#connecting,
    };
  }

  render(): TemplateResult {
    const view = this.#view();
    const complete = this.#list.status === 'complete';
    const body = complete
      ? renderAccountList(view, this.#callbacks)
      : this.#list.status === 'error' && !isAbort(this.#list.error)
        ? renderLoadFailed(errorMessage(this.#list.error), () => void this.#list.run([false]))
        : renderRowsLoading(msg('Loading your account…'), 1);
    return renderAccountsSection(body, complete ? renderConnect(view, this.#callbacks) : nothing, this.#alert);
  }
}
