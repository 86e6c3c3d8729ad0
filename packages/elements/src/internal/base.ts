import { LitElement, render, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { LatchkeyError, type SessionClient, type SessionState } from '@latchkey/client';
import { LkErrorEvent } from '../events/error.js';
import { clientOrError, onConfigure, pageDefaultClient } from './clients.js';
import { requestClient, type ClientCallback } from './context.js';
import { LOCALE_STATUS_EVENT } from './localize.js';
import { adoptFormStyles } from './form-styles.js';
import { errorMessage, loadErrorMessages, loadErrorMessagesWhenIdle, serverFieldErrors } from './messages.js';
import { FlowController, type FlowOptions, type FlowView } from './controllers/flow-controller.js';
import { renderRetry } from './templates/alert.js';
import { StepLoadError } from './step-load-error.js';
import type { FormState } from './templates/form-state.js';
import { fieldProblem } from './validation.js';

let nextId = 0;

/**
 * What every Latchkey element shares: finding its client (own `client`
 * property, own `broker` attribute, the nearest `<lk-config>`, then the page's
 * `configure()`), firing events, custom states, and localization.
 */
export class LkElement extends LitElement {
  /** URL of the broker; overrides the one from `<lk-config>`. */
  // Declared as static properties, not decorators: the decorator runtime would cost the
  // smallest bundle (lk-sign-in on its own) about 0.7 kB gzip.
  static override properties: PropertyDeclarations = {
    broker: {},
    client: { attribute: false },
    theme: { reflect: true },
    contextClient: { state: true },
  };

  broker?: string;

  /** A client to use instead (tests and stories inject a fake here). */
  client?: SessionClient;

  /** Light or dark; follows the page's color scheme when unset. */
  theme?: 'light' | 'dark';

  protected contextClient?: SessionClient | LatchkeyError;
  /** Ends the subscription to the `<lk-config>` that provides `contextClient`. */
  #unsubscribeContext?: () => void;
  /** The provider's answer, now and on every change; one function, so the provider keeps one subscription. */
  readonly #onContextClient: ClientCallback = (client, unsubscribe) => {
    // Another provider answered (the element moved): leave the previous one.
    if (this.#unsubscribeContext !== unsubscribe) this.#unsubscribeContext?.();
    this.#unsubscribeContext = unsubscribe;
    this.contextClient = client;
  };

  protected readonly internals = this.attachInternals();
  /** A prefix for ids in the light DOM, unique per element on the page. */
  protected readonly uid = `lk${++nextId}`;
  #stopListening?: () => void;
  #sessionSource?: SessionClient;
  #stopFollowing?: () => void;
  #toldConsole = false;

  /**
   * Draws again in the new language once its messages are in: `@lit/localize`'s status
   * event, which its `@localized()` controller listens for the same way.
   */
  readonly #onLocale = (event: Event) => {
    if ((event as CustomEvent<{ status: string }>).detail.status === 'ready') this.requestUpdate();
  };

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener(LOCALE_STATUS_EVENT, this.#onLocale);
    requestClient(this, this.#onContextClient);
    this.#stopListening = onConfigure(() => this.requestUpdate());
    // An error drawn before the messages were in (a session that could not be read) is said again in full.
    loadErrorMessagesWhenIdle(() => this.isConnected && this.requestUpdate());
    // An <lk-config> around this element may upgrade after it (definition order, lazy
    // loading): ask for its client again once it is defined.
    if (!customElements.get('lk-config')) {
      void customElements.whenDefined('lk-config').then(() => {
        if (!this.isConnected) return;
        this.#stopContext();
        requestClient(this, this.#onContextClient);
      });
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(LOCALE_STATUS_EVENT, this.#onLocale);
    this.#stopContext();
    this.#stopListening?.();
    this.#stopFollowing?.();
    this.#sessionSource = undefined;
  }

  #stopContext() {
    this.#unsubscribeContext?.();
    this.#unsubscribeContext = undefined;
  }

  protected override willUpdate(changed: PropertyValues) {
    super.willUpdate(changed);
    // Follow the session of whichever client is current (attribute, context or configure()),
    // only while on the page: an update after removal must not subscribe again.
    const client = this.isConnected ? this.latchkey : undefined;
    if (client === this.#sessionSource) return;
    this.#stopFollowing?.();
    this.#sessionSource = client;
    this.#stopFollowing = client?.session.subscribe((state) => this.sessionChanged(state, client));
  }

  /** Called with the session state now and on every change (sign-in or sign-out anywhere on the page). */
  protected sessionChanged(_state: SessionState, _client: SessionClient): void {}

  /**
   * The client this element talks to, in order: its own `client` property, its
   * `broker` attribute, the nearest `<lk-config>`, the page's `configure()`.
   * A `not_configured` error when there is none or its URL is wrong.
   */
  #resolveClient(): SessionClient | LatchkeyError {
    if (this.client) return this.client;
    if (this.broker) return clientOrError(this.broker);
    return (
      this.contextClient ??
      pageDefaultClient() ??
      new LatchkeyError('not_configured', 'no broker configured: set the broker attribute, wrap it in <lk-config>, or call configure()')
    );
  }

  /** The client this element talks to, or undefined while none is configured (yet). */
  protected get latchkey(): SessionClient | undefined {
    const client = this.#resolveClient();
    return client instanceof LatchkeyError ? undefined : client;
  }

  /**
   * Like `latchkey`, for the moment a request needs the broker: a missing or
   * wrong configuration throws `not_configured` (which the element shows), and
   * the console says why, once per element, for the page's developer.
   */
  protected requireClient(): SessionClient {
    const client = this.#resolveClient();
    if (!(client instanceof LatchkeyError)) return client;
    if (!this.#toldConsole) {
      this.#toldConsole = true;
      console.error(`[latchkey] ${this.localName}: ${client.message}`);
    }
    throw client;
  }

  /** Dispatches an event; returns false when a listener called preventDefault(). */
  protected emit(event: Event): boolean {
    return this.dispatchEvent(event);
  }

  /** Tells the page about an error the element now shows. */
  protected reportError(error: unknown) {
    if (error instanceof Error && error.name === 'AbortError') return;
    const code = error instanceof LatchkeyError ? error.code : 'unexpected_response';
    const problem = error instanceof LatchkeyError ? error.problem : undefined;
    this.emit(new LkErrorEvent(problem ? { code, problem } : { code }));
  }

  /** Sets the custom states (`:state(loading)`, `:state(step-password)`) this element is in now. */
  protected setStates(states: string[]) {
    const set = this.internals.states as Set<string> | undefined;
    if (!set) return;
    for (const s of [...set]) if (!states.includes(s)) set.delete(s);
    for (const s of states) set.add(s);
  }
}

/**
 * An element whose credential form lives in its light DOM, slotted into the
 * shadow card through `<slot name="form">`: password managers only look at the
 * light DOM, and so does `@simplewebauthn/browser`.
 */
export abstract class LkFormElement extends LkElement {
  /**
   * Focus the first field on load. Off by default, so an embedding page keeps
   * its own focus; set it where the element is the page's main form.
   */
  static override properties: PropertyDeclarations = {
    autofocus: { type: Boolean },
    noHistory: { type: Boolean, attribute: 'no-history' },
    fieldErrors: { state: true },
    announcement: { state: true },
    sessionError: { state: true },
    stalled: { state: true },
  };

  override autofocus = false;

  /**
   * Keep the steps out of the browser's history. By default each step is a
   * history entry (same URL), so Back returns to the previous step instead of
   * leaving the page; set this where the page's own router must own Back.
   */
  noHistory = false;

  /** Problems by field name (found before sending, or the broker's); cleared on every step change. */
  protected fieldErrors: Record<string, string> = {};
  /** The step's heading, for the polite live region: focus goes to the field, the heading is announced. */
  protected announcement = '';
  /** The session could not be read (broker unreachable): the form gives way to an error and "Try again". */
  private sessionError?: unknown;
  /** The step the broker answered could not be loaded: the form gives way to why, and "Try again" loads it again. */
  private stalled?: StepLoadError;
  /** The flow of this element (`createFlow`), for "Try again" on a stalled step. */
  #formFlow?: FlowController<FlowView>;
  /** A failure the fields show, so the form's alert does not say it twice. */
  #shownAtFields?: unknown;
  #formHost?: HTMLElement;

  /** The light-DOM form for the current step. */
  protected abstract renderForm(): TemplateResult;

  override connectedCallback() {
    super.connectedCallback();
    adoptFormStyles(this.getRootNode());
    if (!this.#formHost) {
      this.#formHost = document.createElement('div');
      this.#formHost.slot = 'form';
      this.#formHost.className = 'lk-form-host';
    }
    if (this.#formHost.parentNode !== this) this.append(this.#formHost);
  }

  protected override firstUpdated(changed: PropertyValues) {
    super.firstUpdated(changed);
    if (!this.autofocus) return;
    // A page may show the card only once it knows nobody is signed in: focus when it shows,
    // unless the user is already somewhere else.
    const shown = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      shown.disconnect();
      if (document.activeElement === document.body) this.focusStep(false);
    });
    shown.observe(this);
  }

  protected override sessionChanged(state: SessionState, _client: SessionClient) {
    this.sessionError = state.status === 'error' ? state.error : undefined;
  }

  protected override updated(changed: PropertyValues) {
    super.updated(changed);
    const error = this.sessionError;
    const stalled = this.stalled;
    // While "Try again" loads the step, the message is empty, so it is said again if the step fails again.
    const form =
      error !== undefined ? renderRetry(errorMessage(error), this.#retry) : stalled ? renderRetry(this.#formFlow!.pending ? '' : errorMessage(stalled), this.#retryStep) : this.renderForm();
    render(form, this.#formHost!, { host: this });
  }

  #retryStep = () => {
    if (this.stalled) this.#formFlow!.goTo(this.stalled.view);
  };

  #retry = () => {
    void this.latchkey?.session.refresh().then(
      () => this.focusStep(false),
      () => {},
    );
  };

  /** Tells the page, and shows a problem the broker sent for single fields at those fields. */
  protected override reportError(error: unknown) {
    super.reportError(error);
    const errors = serverFieldErrors(error, this.#formHost, this.uid);
    if (!errors) return;
    this.#shownAtFields = error;
    this.fieldErrors = errors;
    this.#focusField(Object.keys(errors)[0]!);
  }

  /** The form's alert for a failed request: empty when its fields already say what is wrong. */
  protected alertFor = (error: unknown) => (error === this.#shownAtFields ? '' : errorMessage(error));

  /**
   * The element's flow: requests through its client, failures reported, and each
   * new step cleared and focused. With `steps`, a view shows once its chunk is
   * loaded; one that cannot load stalls the flow on "Try again" (`StepLoadError`).
   */
  protected createFlow<View extends FlowView>(first: View, engine: FlowOptions<View>['engine'], steps?: { load(name: string): Promise<void> }): FlowController<View> {
    return (this.#formFlow = new FlowController<View>(this, {
      first,
      engine,
      client: () => this.requireClient(),
      failed: (error) => {
        if (error instanceof StepLoadError) this.stalled = error;
        this.reportError(error);
      },
      explain: loadErrorMessages,
      prepare: steps && ((view) => steps.load(view.name).catch((cause: unknown) => Promise.reject(new StepLoadError(view, cause)))),
      entered: (view, previous) => {
        this.stalled = undefined;
        this.fieldErrors = {};
        if (view.name !== previous.name) {
          this.focusStep();
        }
      },
      historyKey: () => (this.noHistory ? undefined : this.uid),
    }));
  }

  /** What every step template gets from this element besides its own data and callbacks. */
  protected formState(flow: FlowController<FlowView>): FormState {
    return { uid: this.uid, fieldErrors: this.fieldErrors, pending: flow.pending, alert: flow.renderError(this.alertFor) ?? '', now: flow.now, resent: flow.resent };
  }

  /** An element of the light-DOM form by its id suffix. */
  protected field<T extends HTMLElement = HTMLInputElement>(name: string): T | null {
    return this.#formHost?.querySelector<T>(`#${this.uid}-${name}`) ?? null;
  }

  #focusField(name: string) {
    void this.updateComplete.then(() => {
      const input = this.field(name);
      input?.focus();
      input?.select();
    });
  }

  /**
   * Checks the named inputs before anything is sent. Shows each problem under
   * its field and focuses the first; returns their values when all are good.
   */
  protected validate(names: string[]): Record<string, string> | undefined {
    const errors: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const name of names) {
      const input = this.field(name);
      if (!input) continue;
      const value = input.type === 'password' || input.autocomplete.endsWith('password') ? input.value : input.value.trim();
      values[name] = value;
      const problem = fieldProblem(name, input, value);
      if (problem) errors[name] = problem;
    }
    this.fieldErrors = errors;
    const first = names.find((n) => errors[n]);
    if (first) {
      this.#focusField(first);
      return undefined;
    }
    return values;
  }

  /**
   * A new step is on screen: focus its first field, so the user types at once,
   * and announce its heading through the live region (`announce`). A step
   * without fields (done) focuses its heading instead, which says it anyway.
   */
  protected focusStep(announce = true) {
    void this.updateComplete.then(() => {
      const first = this.#formHost?.querySelector<HTMLElement>('input:not([aria-hidden])') ?? this.#formHost?.querySelector<HTMLElement>('button');
      const title = this.renderRoot.querySelector<HTMLElement>('[part~="title"]');
      if (first) {
        first.focus();
        if (announce) this.announcement = title?.textContent ?? '';
      } else title?.focus();
    });
  }
}
