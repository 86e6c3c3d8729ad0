/**
 * Runs `task` once the page is idle: what the first screen does not need (later
 * steps, error messages) is fetched then. Safari has no requestIdleCallback: a task
 * after the current one, as the usual shim does. The timeout bounds the wait on a
 * page that is never idle.
 */
export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 3000 });
  else setTimeout(task, 1);
}
