import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LatestTask } from '../latest-task.js';
import { followStep, LatchkeyError, type Connection, type DoneStep, type EmailCodeStep, type SessionClient, type Step } from '@latchkey/client';
import { LkSignedInEvent } from '../../events/signed-in.js';

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

export interface FlowOptions<View extends FlowView> {
  /** The view the flow starts in, and goes back to after a sign-out elsewhere. */
  first: View;
  /**
   * The one place a broker step becomes a view of this element; `from` is the
   * view the step answers. Undefined for a step this element cannot show.
   */
  viewOf(step: Step, from: View): View | undefined;
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

/** Set on the history entries of a flow's steps: whose they are and which view each shows. */
interface HistoryMark {
  key: string;
  at: number;
}

/** Marks of an earlier page load (after a reload) are not this load's, whatever their key. */
const PAGE_LOAD = Math.random().toString(36).slice(2);

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * Owns a flow's current view and runs its requests as tasks (`LatestTask`).
 *
 * - `submit()` runs the foreground request (the form's submit, "Resend code");
 *   one at a time, so a double click sends once. Its error is what the form's
 *   live region says (`renderError`).
 * - `runBeside()` runs a background request under a key (passkey autofill
 *   waiting for the user): it never blocks the form, and when it answers, its
 *   step takes over from whatever the foreground was doing. Background requests
 *   belong to the view they started on: leaving it, or the page, aborts them.
 * - Every answer, foreground or background, becomes a view in `viewOf`; a step
 *   the element cannot show fails with `unsupported_step` and the form stays.
 * - A view shows once `prepare` has readied it (its step's chunk imported):
 *   until then the request is still pending and the view on screen stays.
 * - A `done` step fires `lk-signed-in` and follows `return_to` unless a
 *   listener prevents it.
 * - Each new step is a session-history entry (same URL, the page's own state
 *   kept beside ours), so Back and Forward move between the steps instead of
 *   leaving the page. After `done` they no longer change the view: that flow is over.
 *
 * @example
 * private readonly flow = new FlowController<SignInView>(this, { first: { name: 'identifier' }, viewOf, client: () => this.requireClient(), failed: (e) => this.reportError(e), entered: () => this.focusTitle() });
 * onSubmit = () => this.flow.submit((conn, signal) => identify(conn, { email }, { signal }));
 */
export class FlowController<View extends FlowView> implements ReactiveController {
  /** The view on screen. */
  view: View;
  /** Now, in ms; ticks once a second while a resend countdown shows. */
  now = Date.now();
  private ticker?: ReturnType<typeof setInterval>;
  /** Every view change goes through it, so a stale error never lingers and a newer answer always wins. */
  private readonly foreground: LatestTask<[(signal: AbortSignal) => Promise<View>], View>;
  private readonly beside = new Map<string, LatestTask<[StepRequest], View>>();
  /** The views this flow put in the session history; the entry at `at` shows `history[at]`. */
  private history: View[];
  private at = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: FlowOptions<View>,
  ) {
    this.view = options.first;
    this.history = [options.first];
    host.addController(this);
    this.foreground = new LatestTask(host, {
      task: async ([next], { signal }) => {
        try {
          const view = await next(signal);
          await this.options.prepare?.(view);
          return view;
        } catch (error) {
          if (!isAbort(error)) await this.options.explain?.().catch(() => {});
          throw error;
        }
      },
      // Only the newest run completes (a task ignores the answers of runs it replaced).
      onComplete: (view) => this.show(view),
      onError: (error) => this.fail(error),
    });
  }

  /** A foreground request is running. */
  get pending(): boolean {
    return this.foreground.status === 'pending';
  }

  /** The custom states of the element now: `step-<view>`, and `loading` while a request runs. */
  get states(): string[] {
    return [`step-${this.view.name}`, ...(this.pending ? ['loading'] : [])];
  }

  /** Runs a request on the client's connection; a `done` answer signs its session store in. */
  private async send(request: StepRequest, signal: AbortSignal): Promise<Step> {
    const client = this.options.client();
    return followStep(client.session, await request(client.connection, signal));
  }

  /** Sends the form's request; ignored while one is already running. Resolves once its answer or failure is the flow's. */
  submit(request: StepRequest): Promise<void> {
    if (this.pending) return Promise.resolve();
    return this.foreground.run([async (signal) => this.viewFor(await this.send(request, signal))]);
  }

  /** Goes to a view without a request ("Use another email"); ignored while a request runs. */
  goTo(view: View): void {
    if (this.pending) return;
    void this.foreground.run([async () => view]);
  }

  /** Keeps what the user typed in the view on screen (the email), so Back shows it again; no re-render, no history entry. */
  amend(view: View): void {
    this.view = this.history[this.at] = view;
  }

  /** Back to the first view (after a sign-out elsewhere, or the host's `reset()`). */
  restart(): void {
    this.goTo(this.options.first);
  }

  /**
   * Runs `request` in the background under `key`, replacing one already
   * running there. Its answer takes over the flow; so does its failure, which
   * the form's alert shows (the user acted in the background: a passkey picked
   * from autofill, say). An abort ends it quietly.
   */
  runBeside(key: string, request: StepRequest): void {
    let task = this.beside.get(key);
    if (!task) {
      task = new LatestTask(this.host, {
        task: async ([run]: [StepRequest], { signal }) => this.viewFor(await this.send(run, signal)),
        // Through the foreground, which drops whatever it was doing: the user already answered another way.
        onComplete: (view) => void this.foreground.run([async () => view]),
        onError: (error) => {
          if (!isAbort(error)) void this.foreground.run([async () => Promise.reject(error)]);
        },
      });
      this.beside.set(key, task);
    }
    void task.run([request]);
  }

  /** Stops the background request under `key`, or every one. */
  stopBeside(key?: string): void {
    for (const [k, task] of this.beside) if (key === undefined || k === key) task.abort();
  }

  /** The last foreground request's error, rendered; nothing when it succeeded, runs, or was aborted. */
  renderError<T>(render: (error: unknown) => T): T | undefined {
    const { status, error } = this.foreground;
    return status === 'error' && !isAbort(error) ? render(error) : undefined;
  }

  hostUpdated(): void {
    const code = this.view.step?.step === 'email-code' ? (this.view.step as EmailCodeStep) : undefined;
    const counting = code !== undefined && Date.parse(code.resend_after) > this.now;
    if (counting && !this.ticker) {
      this.ticker = setInterval(() => {
        this.now = Date.now();
        this.host.requestUpdate();
      }, 1000);
    }
    if (!counting) this.stopTicking();
  }

  hostConnected(): void {
    window.addEventListener('popstate', this.onPopState);
  }

  hostDisconnected(): void {
    // A pending foreground request is left to finish: a sign-in the broker
    // completed must still reach the session store.
    window.removeEventListener('popstate', this.onPopState);
    this.stopBeside();
    this.stopTicking();
  }

  /** Back or Forward: the view of that entry, replacing whatever request was running. An entry not ours is the first view. */
  private onPopState = (event: PopStateEvent) => {
    const key = this.options.historyKey();
    if (!key || this.view.step?.step === 'done') return;
    const mark = (event.state as { lk?: HistoryMark } | null)?.lk;
    this.at = mark?.key === `${PAGE_LOAD}:${key}` && this.history[mark.at] ? mark.at : 0;
    void this.foreground.run([async () => this.history[this.at]!]);
  };

  /** A new view that is not the one Back or Forward just showed: a new history entry, dropping any Forward ones. */
  private record(view: View) {
    const key = this.options.historyKey();
    if (!key || view === this.history[this.at] || view.step?.step === 'done') return;
    this.history.length = ++this.at;
    this.history.push(view);
    const mark: HistoryMark = { key: `${PAGE_LOAD}:${key}`, at: this.at };
    const page: unknown = history.state;
    history.pushState({ ...(typeof page === 'object' ? page : {}), lk: mark }, '');
  }

  private stopTicking() {
    if (this.ticker) this.ticker = void clearInterval(this.ticker);
  }

  private fail(error: unknown) {
    if (!isAbort(error)) this.options.failed(error);
  }

  private viewFor(step: Step): View {
    const view = this.options.viewOf(step, this.view);
    if (!view) throw new LatchkeyError('unsupported_step', `<${this.host.localName}> cannot show the "${step.step}" step`);
    return view;
  }

  private show(view: View) {
    const previous = this.view;
    if (view.name !== previous.name) {
      this.stopBeside();
      this.record(view);
    }
    this.view = view;
    this.now = Date.now();
    this.options.entered(view, previous);
    if (view.step?.step === 'done') this.signedIn(view.step);
  }

  private signedIn(done: DoneStep) {
    const proceed = this.host.dispatchEvent(new LkSignedInEvent({ user: done.user, session: done.session, return_to: done.return_to }));
    if (proceed && done.return_to) window.location.assign(done.return_to);
  }
}
