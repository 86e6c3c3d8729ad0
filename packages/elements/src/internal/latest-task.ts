import type { ReactiveControllerHost } from 'lit';

/** Where a task's newest run is: not run yet, running, answered, or failed (an abort too). */
export type TaskStatus = 'initial' | 'pending' | 'complete' | 'error';

export interface LatestTaskOptions<Args extends unknown[], Value> {
  /** The request: its arguments and an AbortSignal in, its answer out. */
  task(args: Args, options: { signal: AbortSignal }): Promise<Value> | Value;
  /** The newest run answered (before `status` says so and the host updates). */
  onComplete?(value: Value): void;
  /** The newest run failed or was aborted (before `status` says so and the host updates). */
  onError?(error: unknown): void;
}

/**
 * One request of an element, run when asked: a new run aborts the one still
 * running, and only the newest run's answer or failure counts. The host
 * updates when a run starts and when it ends. The part of `@lit/task`'s
 * `Task` the elements use (`autoRun: false`, `run`, `abort`, `status`,
 * `error`), with the same order of callbacks and status; written out because
 * Task's argument tracking, `render` and `taskComplete` promise cost
 * lk-sign-in's first screen about 0.5 kB gzip.
 *
 * @example
 * private readonly signOut = new LatestTask(this, { task: (_: [], { signal }) => signOut(conn, { signal }), onError: (e) => this.reportError(e) });
 * onClick = () => void this.signOut.run([]);
 */
export class LatestTask<Args extends unknown[], Value = unknown> {
  status: TaskStatus = 'initial';
  /** The newest run's failure (undefined after an answer). */
  error: unknown;
  #runs = 0;
  #aborter?: AbortController;

  readonly #host: ReactiveControllerHost;
  readonly #options: LatestTaskOptions<Args, Value>;

  constructor(host: ReactiveControllerHost, options: LatestTaskOptions<Args, Value>) {
    this.#host = host;
    this.#options = options;
  }

  /** Runs the task, aborting a run still pending; resolves once this run ended (never rejects). */
  async run(args: Args): Promise<void> {
    if (this.status === 'pending') this.#aborter?.abort();
    this.status = 'pending';
    this.#host.requestUpdate();
    const run = ++this.#runs;
    const { signal } = (this.#aborter = new AbortController());
    let value: Value | undefined;
    let error: unknown;
    let failed = false;
    try {
      value = await this.#options.task(args, { signal });
    } catch (e) {
      failed = true;
      error = e;
    }
    // A newer run replaced this one: its answer is that run's to give.
    if (run !== this.#runs) return;
    // As Task does, a throwing callback does not keep the status from being set.
    try {
      if (failed) this.#options.onError?.(error);
      else this.#options.onComplete?.(value as Value);
    } catch {}
    this.status = failed ? 'error' : 'complete';
    this.error = error;
    this.#host.requestUpdate();
  }

  /** Aborts the pending run (its task sees the signal; it then ends as a failure, usually an AbortError). */
  abort(reason?: unknown): void {
    if (this.status === 'pending') this.#aborter?.abort(reason);
  }
}
