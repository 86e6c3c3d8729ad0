import { describe, expect, it } from 'vitest';
import { LatestTask } from './latest-task.js';

/** A host that counts the updates it was asked for. */
const host = () => ({ updates: 0, requestUpdate() { this.updates++; }, addController() {}, removeController() {}, updateComplete: Promise.resolve(true) });

/** A promise and the hands that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('LatestTask', () => {
  it('is pending while it runs, then complete with the answer; the host updates at both ends', async () => {
    const h = host();
    const answer = deferred<string>();
    const answered: string[] = [];
    const task = new LatestTask(h, { task: ([n]: [number]) => answer.promise.then((a) => `${a} ${n}`), onComplete: (value) => answered.push(value) });
    expect(task.status).toBe('initial');
    const run = task.run([1]);
    expect(task.status).toBe('pending');
    expect(h.updates).toBe(1);
    answer.resolve('answer');
    await run;
    expect([task.status, task.error, h.updates]).toEqual(['complete', undefined, 2]);
    expect(answered).toEqual(['answer 1']);
  });

  it('lets only the newest run answer, aborting the one it replaced', async () => {
    const seen: string[] = [];
    const signals: AbortSignal[] = [];
    const first = deferred<string>();
    const task = new LatestTask(host(), {
      task: ([answer]: [Promise<string>], { signal }) => (signals.push(signal), answer),
      onComplete: (value) => seen.push(value),
    });
    const a = task.run([first.promise]);
    const b = task.run([Promise.resolve('second')]);
    expect(signals[0]!.aborted).toBe(true);
    await b;
    first.resolve('first');
    await a;
    expect(seen).toEqual(['second']);
    expect(task.status).toBe('complete');
  });

  it('calls onError before the status says error, and an abort ends the run as a failure', async () => {
    const statuses: string[] = [];
    const task: LatestTask<[], never> = new LatestTask(host(), {
      task: (_: [], { signal }) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')))),
      onError: () => statuses.push(task.status),
    });
    const run = task.run([]);
    task.abort();
    await run;
    expect(statuses).toEqual(['pending']);
    expect(task.status).toBe('error');
    expect((task.error as Error).name).toBe('AbortError');
  });

  it('does nothing on abort when no run is pending', () => {
    const task = new LatestTask(host(), { task: () => 1 });
    task.abort();
    expect(task.status).toBe('initial');
  });
});
