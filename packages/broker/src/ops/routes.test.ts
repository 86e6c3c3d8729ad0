import { describe, expect, it } from 'vitest';
import { storageKinds, testBroker, type StorageKind, useTestBroker } from '../test/harness.js';

const METRICS_TOKEN = 'm'.repeat(40);

/** The value of one sample line (`name{labels} value`) in an exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(storageKinds)('health and readiness on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('answers /health and /ready while serving', async () => {
    expect(await t.broker.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await t.broker.get('/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('answers /ready 503 problem+json once draining, while /health and the requests still come through', async () => {
    t.broker.app.startDraining();
    const ready = await t.broker.get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toBe('application/problem+json');
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(ready.body).toEqual({ type: 'urn:latchkey:problem:not_ready', code: 'not_ready', title: 'The broker is not ready', status: 503, detail: expect.stringMatching(/^draining/) });
    expect(await t.broker.get('/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    // Requests already routed here are still served: draining only tells the load balancer.
    expect((await t.broker.post('/v1/sign-in/identify', { email: 'ada@example.com' })).status).toBe(200);
  });

  it('answers /ready 503 when the database does not answer', async () => {
    const down = testBroker({ ...t.storage, query: async () => Promise.reject(new Error('connection refused')) });
    const ready = await down.get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'not_ready', detail: 'database unreachable or not migrated' });
    expect(JSON.stringify(ready.body)).not.toMatch(/connection refused/);
  });
});

describe.each(storageKinds)('GET /metrics on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('is not public: 404 to another machine, served to this one in the Prometheus text format', async () => {
    const stranger = await t.broker.get('/metrics');
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('not_found');
    const local = await t.broker.browser({ ip: '127.0.0.1' }).get('/metrics');
    expect(local.status).toBe(200);
    expect(local.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const family of ['latchkey_http_requests_total counter', 'latchkey_http_request_duration_seconds histogram', 'latchkey_sign_ins_total counter', 'latchkey_rate_limit_refusals_total counter', 'latchkey_mail_queue_depth gauge']) {
      expect(local.body).toContain(`# TYPE ${family}`);
    }
    expect((await t.broker.browser({ ip: '::1' }).get('/metrics')).status).toBe(200);
  });

  it('refuses a local request that came through a proxy: with a forwarding header, or with trusted proxies configured', async () => {
    const local = t.broker.browser({ ip: '127.0.0.1' });
    for (const [name, value] of [['x-forwarded-for', '198.51.100.7'], ['forwarded', 'for=198.51.100.7'], ['x-real-ip', '198.51.100.7']] as const) {
      expect((await local.get('/metrics', { headers: { [name]: value } })).status, name).toBe(404);
    }
    const proxied = testBroker(t.storage, { trustedProxies: 1 });
    expect((await proxied.browser({ ip: '127.0.0.1' }).get('/metrics')).status).toBe(404);
  });

  it('with a token configured, serves whoever presents it and nobody else, this machine included', async () => {
    const guarded = testBroker(t.storage, { metrics: { token: METRICS_TOKEN } });
    const local = guarded.browser({ ip: '127.0.0.1' });
    expect((await local.get('/metrics')).status).toBe(404);
    expect((await guarded.get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(1)}x` } })).status).toBe(404);
    expect((await guarded.get('/metrics', { headers: { authorization: `Basic ${METRICS_TOKEN}` } })).status).toBe(404);
    const scraped = await guarded.get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('# TYPE latchkey_http_requests_total counter');
  });

  it('counts requests by method, route pattern and status class, and their latency by route', async () => {
    const broker = testBroker(t.storage);
    await broker.get('/health');
    await broker.get('/health');
    await broker.get('/v1/invitations/inv-secret-token');
    const text = (await broker.browser({ ip: '127.0.0.1' }).get('/metrics')).body as string;
    expect(sample(text, 'latchkey_http_requests_total{method="GET",route="/health",status="2xx"}')).toBe(2);
    expect(sample(text, 'latchkey_http_requests_total{method="GET",route="/v1/invitations/:token",status="4xx"}')).toBe(1);
    expect(sample(text, 'latchkey_http_request_duration_seconds_count{route="/health"}')).toBe(2);
    expect(sample(text, 'latchkey_http_request_duration_seconds_bucket{route="/health",le="+Inf"}')).toBe(2);
    expect(text).not.toContain('inv-secret-token');
  });

  it('counts sign-ins by method and result: a wrong password, then a sign-up that opens a session', async () => {
    const broker = testBroker(t.storage);
    const metrics = async () => (await broker.browser({ ip: '127.0.0.1' }).get('/metrics')).body as string;
    expect(sample(await metrics(), 'latchkey_sign_ins_total{method="pwd",result="failed"}')).toBe(0);
    await broker.signUp('ada@example.com');
    expect((await broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'not the password at all' })).status).toBe(401);
    expect((await broker.post('/v1/sign-in/password', { email: 'nobody@example.com', password: 'not the password at all' })).status).toBe(401);
    const text = await metrics();
    expect(sample(text, 'latchkey_sign_ins_total{method="pwd",result="failed"}')).toBe(2);
    expect(sample(text, 'latchkey_sign_ins_total{method="pwd",result="succeeded"}')).toBe(1);
    expect(sample(text, 'latchkey_sign_ins_total{method="email_code",result="succeeded"}')).toBe(0);
  });

  it('counts rate-limit refusals by budget, and the refused request under the route it was for', async () => {
    const limited = testBroker(t.storage, { rateLimits: { perIp: { limit: 1, windowSeconds: 60 } } });
    expect((await limited.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(200);
    expect((await limited.post('/v1/sign-in/identify', { email: 'a@example.com' })).status).toBe(429);
    const text = (await limited.browser({ ip: '127.0.0.1' }).get('/metrics')).body as string;
    expect(sample(text, 'latchkey_rate_limit_refusals_total{budget="ip"}')).toBe(1);
    expect(sample(text, 'latchkey_http_requests_total{method="POST",route="/v1/sign-in/identify",status="4xx"}')).toBe(1);
    expect(text).not.toContain('a@example.com');
  });

  it('reports the mail queue depth: mail waiting or being sent', async () => {
    // A mail server that holds every message until the test lets it go: queued or in flight, the job counts.
    let deliver = () => {};
    const held = new Promise<void>((resolve) => (deliver = resolve));
    const broker = testBroker(t.storage, { mailer: { send: () => held } });
    const depth = async () => sample((await broker.browser({ ip: '127.0.0.1' }).get('/metrics')).body as string, 'latchkey_mail_queue_depth');
    expect(await depth()).toBe(0);
    expect((await broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple' })).status).toBe(202);
    expect(await depth()).toBe(1);
    const settled = broker.deps.mail.settled();
    expect(await depth()).toBe(1);
    deliver();
    await settled;
    expect(await depth()).toBe(0);
  });
});
