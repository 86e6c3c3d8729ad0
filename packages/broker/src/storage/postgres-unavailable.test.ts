import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { format } from 'node:util';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onError } from '../http/problem.js';
import { createPostgresStorage, isDatabaseUnavailable } from './postgres.js';
import { DatabaseUnavailableError } from './storage.js';

/**
 * The database out of reach is answered as a retryable 503, not a 500 (issue 26 §6): the
 * load and restart runs are in test/faults.test.ts; these need no server.
 */
describe('a database out of reach', () => {
  const printed: string[] = [];
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(format(...args))));
  afterEach(() => {
    printed.length = 0;
    vi.restoreAllMocks();
  });

  it('tells the server’s absence and its shutdown from a statement’s own fault', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '53300']) expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), code).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]))).toBe(true);
    // A unique key, a syntax error, a bad value: bugs or conflicts, never "try again later".
    for (const code of ['23505', '42601', '22P02', '40P01']) expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), code).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated')).toBe(false);
  });

  it('is answered 503 service_unavailable with Retry-After and the request id, and logged in one line', async () => {
    const app = new Hono();
    app.onError(onError);
    app.get('/v1/session', () => {
      throw new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    });
    const response = await app.request('/v1/session', { headers: { 'x-request-id': 'r1' } });
    expect([response.status, response.headers.get('content-type'), response.headers.get('retry-after')]).toEqual([503, 'application/problem+json', '1']);
    expect(await response.json()).toEqual({
      type: 'urn:latchkey:problem:service_unavailable',
      code: 'service_unavailable',
      title: 'The service is briefly unavailable; try again shortly',
      status: 503,
      request_id: expect.any(String),
    });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/failed: DatabaseUnavailableError: the database is unavailable \(Error ECONNREFUSED: connect ECONNREFUSED/);
  });

  it('fails a query at once when nothing listens, as DatabaseUnavailableError: no hang, no crash', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const started = Date.now();
    await expect(createPostgresStorage({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` })).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
