import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LatchkeyError, type Connection, type EmailCodeStep, type SessionClient, type Step } from '@latchkey/client';
import { whenIdle } from '../idle.js';
import type { FlowEngine } from './flow-engine.js';

/**
 * What every view of a flow has: a name (its `:state(step-<name>)`) and, when
 * the broker sent it, the step it shows.
 */
export interface FlowView {
  name: string;
  step?: Step;
}

/**
 * One request of a flow: the connection and an AbortSignal in, the broker's next step out.
 * Requests call the client's standalone functions (`identify(conn, …)`), so an element bundles
 * only the calls it makes; the controller keeps the session store in step with each answer.
 */
export type StepRequest = (conn: Connection, signal: AbortSignal) => Promise<Step>;

/**
 * What an element's flow runs once the user acts, as the element's engine chunk
 * exports it (`sign-in.engine.ts`): the flows' engine, and the element's views.
 */
export interface FlowEngineModule<View extends FlowView> {
  FlowEngine: typeof FlowEngine;
  /**
   * The one place a broker step becomes a view of this element; `from` is the
   * view the step answers. Undefined for a step this element cannot show.
   */
  viewOf(step: Step, from: View): View | undefined;
}

export interface FlowOptions<View extends FlowView> {
  /** The view the flow starts in, and goes back to after a sign-out elsewhere. */
  first: View;
  /**
   * Imports the element's engine chunk (`() => import('./sign-in.engine.js')`: a static
   * path, so bundlers emit it as a chunk of its own). The same function every time: a
   * chunk in serves every later flow of the element at once.
   */
  engine(): Promise<FlowEngineModule<View>>;
  /** The client to send requests with; throws `not_configured` when there is none. */
  client(): SessionClient;
  /** A request failed (aborts excepted); tell the page. */
  failed(error: unknown): void;
  /** A view is on screen now (after a request, a link, a background answer, or Back). */
  entered(view: View, previous: View): void;
  /**
   * This flow's key in the session history, unique on the page; undefined keeps
   * its steps out of the history (the element's `no-history`).
   */
  historyKey(): string | undefined;
  /**
   * Readies a view before it shows (lk-sign-in imports the step's chunk). The
   * flow stays pending meanwhile, so the view on screen keeps its pending state;
   * a rejection fails the request like any other, and the view does not show.
   */
  prepare?(view: View): Promise<unknown>;
  /** Readies what a failure needs before it shows (the error messages' chunk); its own failure is ignored. */
  explain?(): Promise<unknown>;
}

type EngineImport = () => Promise<FlowEngineModule<FlowView>>;

/** Each element's engine chunk once in, and while it loads, by its import function. */
const engines = new WeakMap<EngineImport, FlowEngineModule<FlowView>>();
const importing = new WeakMap<EngineImport, Promise<unknown>>();

/** Imports an element's engine chunk once; a failed import is tried again on the next call. */
export function importFlowEngine<View extends FlowView>(load: () => Promise<FlowEngineModule<View>>): Promise<unknown> {
  let loading = importing.get(load);
  if (!loading) {
    loading = load()
      .then((module) => void engines.set(load, module))
      .catch((error: unknown) => {
        importing.delete(load);
        throw error;
      });
    importing.set(load, loading);
  }
  return loading;
}

/**
 * Owns a flow's current view and runs its requests as tasks (`LatestTask`).
 * What runs them (`FlowEngine`, with the element's `viewOf`) is the element's
 * engine chunk, imported with the first request or while the page is idle: a
 * first screen draws without it, and a request asked for meanwhile waits for
 * it, pending. A chunk that cannot load fails that request with
 * `network_error`, as a broker out of reach does.
 *
 * - `submit()` runs the foreground request (the form's submit, "Resend code");
 *   one at a time, so a double click sends once. Its error is what the form's
 *   live region says (`renderError`).
 * - `runBeside()` runs a background request under a key (passkey autofill
 *   waiting for the user): it never blocks the form, and when it answers, its
 *   step takes over from whatever the foreground was doing. Background requests
 *   belong to the view they started on: leaving it, or the page, aborts them.
 * - Every answer, foreground or background, becomes a view in `viewOf`; a
 *   step the element cannot show fails with `unsupported_step` and the form stays.
 * - A view shows once `prepare` has readied it (its step's chunk imported):
 *   until then the request is still pending and the view on screen stays.
 * - A `done` step fires `lk-signed-in` and follows `return_to` unless a
 *   listener prevents it.
 * - Each new step is a session-history entry (same URL, the page's own state
 *   kept beside ours), so Back and Forward move between the steps instead of
 *   leaving the page. After `done` they no longer change the view: that flow is over.
 * - A new view eases the card's height; "Resend code" (`resend`) keeps the
 *   view and sets `resent`.
 *
 * @example
 * readonly #flow = new FlowController<SignInView>(this, { first: { name: 'identifier' }, engine: () => import('./sign-in.engine.js'), client: () => this.requireClient(), failed: (e) => this.reportError(e), entered: () => this.focusTitle(), historyKey: () => this.uid });
 * onSubmit = () => this.flow.submit((conn, signal) => identify(conn, { email }, { signal }));
 */
export class FlowController<View extends FlowView> implements ReactiveController {
  /** The view on screen. */
  view: View;
  /** Now, in ms; ticks once a second while a resend countdown shows. */
  now = Date.now();
  /** A new code was sent on this view ("We sent a new code."). */
  resent = false;
  /** What runs the requests and shows their answers, once its chunk is in. */
  #engine?: FlowEngine<View>;
  /** Calls waiting for the engine's chunk; a foreground one (`waiting`) makes the flow pending. */
  #queued = 0;
  #waiting = false;
  /** The engine's chunk could not be imported for the last foreground request (offline). */
  #failure?: LatchkeyError;
  #asked = false;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: FlowOptions<View>;

  constructor(host: ReactiveControllerHost & HTMLElement, options: FlowOptions<View>) {
    this.#host = host;
    this.#options = options;
    this.view = options.first;
    host.addController(this);
  }

  /** A foreground request is running (or waits for the engine). */
  get pending(): boolean {
    return this.#engine?.pending ?? this.#waiting;
  }

  /** The custom states of the element now: `step-<view>`, and `loading` while a request runs. */
  get states(): string[] {
    return [`step-${this.view.name}`, ...(this.pending ? ['loading'] : [])];
  }

  /** Sends the form's request; ignored while one is already running. Resolves once its answer or failure is the flow's. */
  submit(request: StepRequest): Promise<void> {
    if (this.pending) return Promise.resolve();
    return this.#withEngine((engine) => engine.submit(request), true);
  }

  /** Goes to a view without a request ("Use another email"); ignored while a request runs. */
  goTo(view: View): void {
    if (!this.pending) void this.#withEngine((engine) => engine.goTo(view), true);
  }

  /** Keeps what the user typed in the view on screen (the email), so Back shows it again; no re-render, no history entry. */
  amend(view: View): void {
    this.view = view;
    this.#engine?.amend(view);
  }

  /** "Resend code" on a mailed-code view: a fresh code, then `resent`; ignored while a request runs. */
  resend(step: EmailCodeStep): void {
    this.resent = false;
    this.#host.requestUpdate();
    if (!this.pending) void this.#withEngine((engine) => engine.resend(step), true);
  }

  /** Back to the first view (after a sign-out elsewhere, or the host's `reset()`). */
  restart(): void {
    this.goTo(this.#options.first);
  }

  /**
   * Runs `request` in the background under `key`, replacing one already
   * running there. Its answer takes over the flow; so does its failure, which
   * the form's alert shows (the user acted in the background: a passkey picked
   * from autofill, say). An abort ends it quietly; so does an engine that
   * cannot load.
   */
  runBeside(key: string, request: StepRequest): void {
    void this.#withEngine((engine) => engine.runBeside(key, request));
  }

  /** Stops the background request under `key`, or every one (one still waiting for the engine too). */
  stopBeside(key?: string): void {
    if (this.#engine || this.#queued) void this.#withEngine((engine) => engine.stopBeside(key));
  }

  /** The last foreground request's error, rendered; nothing when it succeeded, runs, or was aborted. */
  renderError<T>(render: (error: unknown) => T): T | undefined {
    return this.#engine ? this.#engine.renderError(render) : this.#failure && render(this.#failure);
  }

  hostUpdated(): void {
    this.#engine?.hostUpdated();
    if (this.#asked) return;
    this.#asked = true;
    // After the first render, while the page has nothing else to do.
    whenIdle(() => void importFlowEngine(this.#options.engine).catch(() => {}));
  }

  hostConnected(): void {
    this.#engine?.hostConnected();
  }

  hostDisconnected(): void {
    if (this.#engine || this.#queued) void this.#withEngine((engine) => engine.hostDisconnected());
  }

  /**
   * Calls `use` with the engine: at once when its chunk is in, else once it is
   * (calls keep their order). A foreground call makes the flow pending
   * meanwhile and, when the chunk cannot load, fails as a broker out of reach
   * does (`network_error`: the form's alert, and `lk-error`); a background one
   * is dropped then.
   */
  async #withEngine(use: (engine: FlowEngine<View>) => unknown, foreground = false): Promise<void> {
    const ready = this.#makeEngine();
    if (ready) return void (await use(ready));
    this.#queued++;
    if (foreground) {
      this.#waiting = true;
      this.#failure = undefined;
      this.#host.requestUpdate();
    }
    try {
      await importFlowEngine(this.#options.engine);
    } catch (cause) {
      if (!foreground) return void this.#queued--;
      const error = new LatchkeyError('network_error', 'The sign-in code could not be loaded', { cause });
      await this.#options.explain?.().catch(() => {});
      this.#options.failed(error);
      this.#queued--;
      this.#waiting = false;
      this.#failure = error;
      return this.#host.requestUpdate();
    }
    this.#queued--;
    // Once there is an engine, it says whether the flow is pending.
    await use(this.#makeEngine()!);
  }

  /** The engine, made from the element's chunk once it is in; undefined until then. */
  #makeEngine(): FlowEngine<View> | undefined {
    const module = engines.get(this.#options.engine) as FlowEngineModule<View> | undefined;
    if (module) this.#engine ??= new module.FlowEngine(this, this.#host, this.#options, module.viewOf);
    return this.#engine;
  }
}
