import { describe, expect, it, vi } from 'vitest';
import { storageKinds, testBroker, type StorageKind, useTestBroker } from '../test/harness.js';
import { jsonLogger } from './logger.js';

/** A broker on the test's database whose JSON request log lands in `lines`. */
function loggedBroker(storage: Parameters<typeof testBroker>[0], overrides: Parameters<typeof testBroker>[1] = {}) {
  const lines: string[] = [];
  const broker = testBroker(storage, { logger: jsonLogger((line) => lines.push(line)), ...overrides });
  return { broker, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

describe.each(storageKinds)('request ids and the request log on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('writes one JSON line per request: time, level, request id, method, route, status and duration', async () => {
    const { broker, entries } = loggedBroker(t.storage);
    const response = await broker.get('/health');
    expect(entries()).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'info',
        msg: 'request',
        request_id: response.headers.get('x-request-id'),
        method: 'GET',
        route: '/health',
        status: 200,
        duration_ms: expect.any(Number),
      },
    ]);
  });

  it('leaves the session cookie, the Authorization header, the query string and the body out of the log line', async () => {
    const { broker, lines } = loggedBroker(t.storage);
    await broker.signUp('ada@example.com');
    const cookie = broker.cookieHeader();
    // The cookies' values (the session's secret, the browser binding, the device cookie).
    const session = [...broker.cookies.values()].filter((value) => value.length >= 16);
    expect(session.length).toBeGreaterThan(0);
    lines.length = 0;
    const secrets = ['Bearer-s3cr3t-token-value', 'c0de-4711-from-the-idp', 'st4te-from-the-idp', 'correct horse battery staple'];
    await broker.call('GET', `/v1/session?code=${secrets[1]}&state=${secrets[2]}`, { headers: { authorization: `Bearer ${secrets[0]}` } });
    await broker.post('/v1/sign-in/password?code=' + secrets[1], { email: 'ada@example.com', password: secrets[3] }, { headers: { authorization: `Bearer ${secrets[0]}` } });
    expect(lines).toHaveLength(2);
    const logged = lines.join('\n');
    for (const secret of [...secrets, ...session, cookie, 'ada@example.com', 'code=', '?']) expect(logged).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'GET', route: '/v1/session', status: 200 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ method: 'POST', route: '/v1/sign-in/password', status: 200 });
  });

  it('names the route pattern, never a path that holds a token', async () => {
    const { broker, entries } = loggedBroker(t.storage);
    await broker.get('/v1/invitations/inv-t0ken-nobody-may-read');
    await broker.get('/no/such/place/t0p-secret');
    const [invitation, unknown] = entries();
    expect(invitation).toMatchObject({ route: '/v1/invitations/:token', status: 404 });
    expect(unknown).toMatchObject({ status: 404 });
    expect(JSON.stringify(entries())).not.toMatch(/t0ken|t0p-secret/);
  });

  it("echoes a well-formed X-Request-Id and replaces anything else with a UUID of its own", async () => {
    const { broker, entries } = loggedBroker(t.storage);
    const given = ['req-4711', 'Root=1-67891233-abcdef012345678912345678', '01JEXAMPLE0ULID0000000000A'];
    for (const id of given) expect((await broker.get('/health', { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id);
    const refused = ['x'.repeat(129), 'two words', 'id"with"quotes', 'a/b', '', 'ümlaut'];
    for (const id of refused) {
      const response = await broker.get('/health', { headers: { 'x-request-id': id } });
      expect(response.headers.get('x-request-id'), JSON.stringify(id)).toMatch(UUID);
    }
    expect(entries().map((entry) => entry.request_id).slice(0, 3)).toEqual(given);
    // Every answer carries one, a problem included; two requests never share a made one.
    const [a, b] = [await broker.get('/nowhere'), await broker.get('/nowhere')];
    expect(a.headers.get('x-request-id')).toMatch(UUID);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('gives a 500 the request id of its header, logging the error once on the request line', async () => {
    const broken = { ...t.storage, query: async () => Promise.reject(new Error('db password is hunter2')) };
    const { broker, entries } = loggedBroker(broken as typeof t.storage);
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple' }, { headers: { 'x-request-id': 'req-500' } });
      expect(response.status).toBe(500);
      expect(response.body.request_id).toBe('req-500');
      expect(response.headers.get('x-request-id')).toBe('req-500');
      const [line] = entries();
      expect(line).toMatchObject({ level: 'error', request_id: 'req-500', status: 500, route: '/v1/sign-up', error: expect.stringMatching(/^Error: db password is hunter2/) });
      // The logger has it: nothing more on stderr.
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
  });

  it('logs a 5xx that is no unexpected error (/ready while draining) as a warning, without an error field', async () => {
    const { broker, entries } = loggedBroker(t.storage);
    broker.app.startDraining();
    await broker.get('/ready');
    expect(entries()).toEqual([expect.objectContaining({ level: 'warn', route: '/ready', status: 503 })]);
    expect(entries()[0]).not.toHaveProperty('error');
  });

  it('logs nothing without a logger, and still answers with a request id', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    try {
      const response = await t.broker.get('/health');
      expect(response.headers.get('x-request-id')).toMatch(UUID);
      expect(write.mock.calls.filter(([chunk]) => String(chunk).includes('"msg":"request"'))).toEqual([]);
    } finally {
      write.mockRestore();
    }
  });
});
