import type { Deps } from './deps.js';
import { deleteAuditEventsBefore, deleteExpiredAssertions, deleteExpiredConnectionTests, deleteExpiredFlows, deleteOutboxMessagesBefore } from './storage/queries/index.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Deletes what nobody can use any more: expired flows, rate-limit windows
 * older than the longest window, dev-outbox mail older than a day, and SAML
 * replay-cache entries of assertions that are no longer valid anyway,
 * connection tests past their day, and audit events past their retention
 * (`audit.retentionDays`). Safe to run on every instance at once (plain
 * deletes by age).
 */
export async function sweep(deps: Deps): Promise<{ flows: number; rateLimits: number; mail: number; samlAssertions: number; connectionTests: number; auditEvents: number }> {
  const now = deps.clock().getTime();
  const longestWindowMs = Math.max(...Object.values(deps.config.rateLimits).map((w) => w.windowSeconds * 1000));
  return {
    flows: await deleteExpiredFlows(deps.storage, new Date(now)),
    rateLimits: await deps.rateLimits.sweep(new Date(now - longestWindowMs - HOUR_MS)),
    mail: await deleteOutboxMessagesBefore(deps.storage, new Date(now - 24 * HOUR_MS)),
    samlAssertions: await deleteExpiredAssertions(deps.storage, new Date(now)),
    connectionTests: await deleteExpiredConnectionTests(deps.storage, new Date(now)),
    auditEvents: await deleteAuditEventsBefore(deps.storage, new Date(now - deps.config.audit.retentionDays * DAY_MS)),
  };
}

/**
 * Runs `sweep` now and then every `intervalMs` until stopped. The timer does
 * not keep the process alive; a failed sweep is logged (no values) and retried
 * at the next tick.
 *
 * @example
 * const stop = startHousekeeping(app.deps);
 * process.on('SIGTERM', stop);
 */
export function startHousekeeping(deps: Deps, intervalMs = 5 * 60_000): () => void {
  const run = () =>
    sweep(deps).catch((error: unknown) => console.error(`[latchkey] housekeeping failed: ${error instanceof Error ? error.name : 'error'}`));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
