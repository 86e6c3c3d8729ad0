import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `pnpm soak` in CI: the same script for 20 seconds instead of 30 minutes, to prove it runs
 * and reports (the figures themselves are read by people, not asserted: timing goals live
 * in scripts that print figures). It exits 1 if any request failed.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) console.warn('soak.test.ts skipped: TEST_DATABASE_URL is unset (the soak runs broker processes on PostgreSQL; CI sets it).');

describe.skipIf(!databaseUrl)('pnpm soak', () => {
  it('runs two broker processes at a steady mixed rate and prints latency and memory at the start and end', { timeout: 180_000 }, async () => {
    const env = { ...process.env, LATCHKEY_SOAK_MINUTES: '0.33', LATCHKEY_SOAK_RATE: '20', LATCHKEY_SOAK_USERS: '8' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'soak.ts')], { env, timeout: 170_000 });
    expect(stdout).toMatch(/soak: 2 instance\(s\) on PostgreSQL .*20 req\/s for 0\.33 min/);
    expect(stdout).toMatch(/soak: done: \d+ requests in \d+ s \([\d.]+ req\/s\), 0 failed/);
    expect(stdout).toMatch(/latency by kind: refresh n=\d+ p50=[\d.]+ms p99=[\d.]+ms errors=0 \| session n=\d+ p50=[\d.]+ms p99=[\d.]+ms errors=0 \| sign-in n=\d+ p50=[\d.]+ms p99=[\d.]+ms errors=0/);
    expect(stdout).toMatch(/RSS at start: soak-0 [\d.]+ MiB, soak-1 [\d.]+ MiB/);
    expect(stdout).toMatch(/RSS at end: +soak-0 [\d.]+ MiB, soak-1 [\d.]+ MiB/);
  });
});
