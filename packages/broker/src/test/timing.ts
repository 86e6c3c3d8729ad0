import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import { APP_ORIGIN, type TestBroker } from './harness.js';

/** The median; with an even count, the mean of the middle two. */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor(sorted.length / 2)]! + sorted[Math.ceil(sorted.length / 2) - 1]!) / 2;
};

/**
 * A POST with the broker's browser cookies, timed until the broker has answered
 * (the Response exists), as a server would then write it: mail queued for after
 * the response is outside.
 */
export async function timedPost(b: TestBroker, path: string, json: unknown): Promise<{ status: number; took: number }> {
  const init = { method: 'POST', headers: { origin: APP_ORIGIN, 'content-type': 'application/json', cookie: b.cookieHeader() }, body: JSON.stringify(json) };
  const env = { incoming: { socket: { remoteAddress: b.ip } } };
  const started = performance.now();
  const response = await b.app.request(path, init, env);
  const took = performance.now() - started;
  await response.arrayBuffer();
  return { status: response.status, took };
}

/**
 * What an attacker sees next: `answer` runs untimed, then a cheap GET (`/health`)
 * goes out as soon as it has answered, timed until the broker answers it. A
 * request from the network reaches the server on a later turn of its event
 * loop, so the GET waits a turn first, inside the timing: work the broker left
 * for after its answer (`setImmediate`) runs in that turn and delays it. The
 * status is the answer's; the GET must succeed.
 */
export async function timedNextRequest(b: TestBroker, answer: () => Promise<{ status: number }>, path = '/health'): Promise<{ status: number; took: number }> {
  const { status } = await answer();
  const env = { incoming: { socket: { remoteAddress: b.ip } } };
  const started = performance.now();
  await new Promise<void>((resolve) => setImmediate(resolve));
  const response = await b.app.request(path, { headers: { origin: APP_ORIGIN } }, env);
  const took = performance.now() - started;
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return { status, took };
}

/**
 * Times `request` for a known and an unknown address in alternating pairs (so
 * drift on a shared machine hits both alike; the first 10 pairs warm up caches
 * and the JIT) and answers the median of the paired differences, known −
 * unknown, and the median of every answer.
 */
export async function pairedMedians(
  addresses: { known: string; unknown: string },
  samples: number,
  request: (email: string, i: number) => Promise<{ status: number; took: number }>,
  expectStatus: (status: number) => void,
  between: () => Promise<void> = async () => {},
): Promise<{ difference: number; typical: number }> {
  const { known, unknown } = addresses;
  const differences: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    const took: Record<string, number> = {};
    for (const email of i % 2 ? [known, unknown] : [unknown, known]) {
      const answer = await request(email, i);
      expectStatus(answer.status);
      took[email] = answer.took;
      await between();
    }
    if (i >= 10) {
      differences.push(took[known]! - took[unknown]!);
      all.push(took[known]!, took[unknown]!);
    }
  }
  return { difference: median(differences), typical: median(all) };
}

/** Fails when the paired medians differ by more than `floorMs` or 5 % of a typical answer, whichever is larger. */
export function expectSameTime({ difference, typical }: { difference: number; typical: number }, floorMs: number, what: string) {
  expect(Math.abs(difference), `${what}: median ${difference.toFixed(3)} ms of a typical ${typical.toFixed(3)} ms`).toBeLessThan(Math.max(floorMs, 0.05 * typical));
}
