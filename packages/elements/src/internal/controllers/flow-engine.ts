import type { ReactiveControllerHost } from 'lit';
import { followStep, LatchkeyError, resendEmailCode, type DoneStep, type EmailCodeStep, type Step } from '@latchkey/client';
import { LkSignedInEvent } from '../../events/signed-in.js';
import { LatestTask } from '../latest-task.js';
import type { FlowController, FlowEngineModule, FlowOptions, FlowView, StepRequest } from './flow-controller.js';

// What a flow does once the user acts: a first screen draws without it, so each element's
// engine chunk (`sign-in.engine.ts`) holds it with the element's views, and FlowController
// imports that chunk with the first request, or while the page is idle.

/** Set on the history entries of a flow's steps: whose they are and which view each shows. */
interface HistoryMark {
  key: string;
  at: number;
}

/** Marks of an earlier page load (after a reload) are not this load's, whatever their key. */
const PAGE_LOAD = Math.random().toString(36).slice(2);

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * The element's card (`[part~="base"]`) grows or shrinks to the new view's
 * height over 200 ms instead of jumping (none with reduced motion). Called as
 * a new view is shown, before it renders.
 */
function easeHeight(host: ReactiveControllerHost & HTMLElement) {
  const base = host.shadowRoot?.querySelector<HTMLElement>('[part~="base"]');
  if (!base || matchMedia('(prefers-reduced-motion: reduce)').matches) return;
  const from = base.offsetHeight;
  // The update that draws the new view (asked for now: none may be pending yet).
  host.requestUpdate();
  void host.updateComplete.then(() => {
    const to = base.offsetHeight;
    if (from && from !== to) base.animate({ blockSize: [`${from}px`, `${to}px`], overflow: ['clip', 'clip'] }, { duration: 200, easing: 'ease-out' });
  });
}

/**
 * The working part of a `FlowController` (see there for what a flow does): its
 * requests as tasks (`LatestTask`), each answer made a view (`viewOf`, the
 * element's) and shown with the card eased to its height, the session
 * history, "Resend code" and the clock of its countdown. It writes the
 * controller's `view`, `now` and `resent`; the controller hands it every call
 * once it is in, and it starts from the view on screen then.
 */
export class FlowEngine<View extends FlowView> {
  #ticker?: ReturnType<typeof setInterval>;
  /** Every view change goes through it, so a stale error never lingers and a newer answer always wins. */
  readonly #foreground: LatestTask<[(signal: AbortSignal) => Promise<View>], View>;
  readonly #beside = new Map<string, LatestTask<[StepRequest], View>>();
  /** The views this flow put in the session history; the entry at `at` shows `history[at]`. */
  readonly #history: View[];
  #at = 0;

  readonly #flow: FlowController<View>;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: FlowOptions<View>;
  readonly #viewOf: FlowEngineModule<View>['viewOf'];

  constructor(flow: FlowController<View>, host: ReactiveControllerHost & HTMLElement, options: FlowOptions<View>, viewOf: FlowEngineModule<View>['viewOf']) {
    this.#flow = flow;
    this.#host = host;
    this.#options = options;
    this.#viewOf = viewOf;
    this.#history = [flow.view];
    this.#foreground = new LatestTask(host, {
      task: async ([next], { signal }) => {
        try {
          const view = await next(signal);
          await this.#options.prepare?.(view);
          return view;
        } catch (error) {
          if (!isAbort(error)) await this.#options.explain?.().catch(() => {});
          throw error;
        }
      },
      // Only the newest run completes (a task ignores the answers of runs it replaced).
      onComplete: (view) => this.#show(view),
      onError: (error) => this.#fail(error),
    });
    // Made while its element is on the page: Back and Forward count from now.
    if (host.isConnected) this.hostConnected();
  }

  /** A foreground request is running. */
  get pending(): boolean {
    return this.#foreground.status === 'pending';
  }

  /** Runs a request on the client's connection; a `done` answer signs its session store in. */
  async #send(request: StepRequest, signal: AbortSignal): Promise<Step> {
    const client = this.#options.client();
    return followStep(client.session, await request(client.connection, signal));
  }

  /** Sends the form's request; ignored while one is already running. Resolves once its answer or failure is the flow's. */
  submit(request: StepRequest): Promise<void> {
    if (this.pending) return Promise.resolve();
    return this.#foreground.run([async (signal) => this.#viewFor(await this.#send(request, signal))]);
  }

  /** Goes to a view without a request ("Use another email"); ignored while a request runs. */
  goTo(view: View): void {
    if (this.pending) return;
    void this.#foreground.run([async () => view]);
  }

  /** A fresh code for a mailed-code view (any flow's: sign-in, sign-up, reset), then the controller's `resent`. */
  resend(step: EmailCodeStep): void {
    void this.submit(async (conn, signal) => {
      const next = await resendEmailCode(conn, { flow_id: step.flow_id }, { signal });
      this.#flow.resent = true;
      return next;
    });
  }

  /** What the user typed in the view on screen, for Back to show again. */
  amend(view: View): void {
    this.#history[this.#at] = view;
  }

  /**
   * Runs `request` in the background under `key`, replacing one already
   * running there. Its answer takes over the flow; so does its failure, which
   * the form's alert shows (the user acted in the background: a passkey picked
   * from autofill, say). An abort ends it quietly.
   */
  runBeside(key: string, request: StepRequest): void {
    let task = this.#beside.get(key);
    if (!task) {
      task = new LatestTask(this.#host, {
        task: async ([run]: [StepRequest], { signal }) => this.#viewFor(await this.#send(run, signal)),
        // Through the foreground, which drops whatever it was doing: the user already answered another way.
        onComplete: (view) => void this.#foreground.run([async () => view]),
        onError: (error) => {
          if (!isAbort(error)) void this.#foreground.run([async () => Promise.reject(error)]);
        },
      });
      this.#beside.set(key, task);
    }
    void task.run([request]);
  }

  /** Stops the background request under `key`, or every one. */
  stopBeside(key?: string): void {
    for (const [k, task] of this.#beside) if (key === undefined || k === key) task.abort();
  }

  /** The last foreground request's error, rendered; nothing when it succeeded, runs, or was aborted. */
  renderError<T>(render: (error: unknown) => T): T | undefined {
    const { status, error } = this.#foreground;
    return status === 'error' && !isAbort(error) ? render(error) : undefined;
  }

  hostUpdated(): void {
    const code = this.#flow.view.step?.step === 'email-code' ? (this.#flow.view.step as EmailCodeStep) : undefined;
    const counting = code !== undefined && Date.parse(code.resend_after) > this.#flow.now;
    if (counting && !this.#ticker) {
      this.#ticker = setInterval(() => {
        this.#flow.now = Date.now();
        this.#host.requestUpdate();
      }, 1000);
    }
    if (!counting) this.#stopTicking();
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.#onPopState);
  }

  hostDisconnected(): void {
    // A pending foreground request is left to finish: a sign-in the broker
    // completed must still reach the session store.
    window.removeEventListener('popstate', this.#onPopState);
    this.stopBeside();
    this.#stopTicking();
  }

  /** Back or Forward: the view of that entry, replacing whatever request was running. An entry not ours is the first view. */
  #onPopState = (event: PopStateEvent) => {
    const key = this.#options.historyKey();
    if (!key || this.#flow.view.step?.step === 'done') return;
    const mark = (event.state as { lk?: HistoryMark } | null)?.lk;
    this.#at = mark?.key === `${PAGE_LOAD}:${key}` && this.#history[mark.at] ? mark.at : 0;
    void this.#foreground.run([async () => this.#history[this.#at]!]);
  };

  /** A new view that is not the one Back or Forward just showed: a new history entry, dropping any Forward ones. */
  #record(view: View) {
    const key = this.#options.historyKey();
    if (!key || view === this.#history[this.#at] || view.step?.step === 'done') return;
    this.#history.length = ++this.#at;
    this.#history.push(view);
    const mark: HistoryMark = { key: `${PAGE_LOAD}:${key}`, at: this.#at };
    const page: unknown = history.state;
    history.pushState({ ...(typeof page === 'object' ? page : {}), lk: mark }, '');
  }

  #stopTicking() {
    if (this.#ticker) this.#ticker = void clearInterval(this.#ticker);
  }

  #fail(error: unknown) {
    if (!isAbort(error)) this.#options.failed(error);
  }

  #viewFor(step: Step): View {
    const view = this.#viewOf(step, this.#flow.view);
    if (!view) throw new LatchkeyError('unsupported_step', `<${this.#host.localName}> cannot show the "${step.step}" step`);
    return view;
  }

  #show(view: View) {
    const previous = this.#flow.view;
    if (view.name !== previous.name) {
      this.stopBeside();
      this.#record(view);
      easeHeight(this.#host);
      this.#flow.resent = false;
    }
    this.#flow.view = view;
    this.#flow.now = Date.now();
    this.#options.entered(view, previous);
    if (view.step?.step === 'done') this.#signedIn(view.step);
  }

  #signedIn(done: DoneStep) {
    const proceed = this.#host.dispatchEvent(new LkSignedInEvent({ user: done.user, session: done.session, return_to: done.return_to }));
    if (proceed && done.return_to) window.location.assign(done.return_to);
  }
}
