import { describe, expect, it } from 'vitest';
import { jsonLogger, prettyLogger } from './logger.js';
import { brokerMetrics, LATENCY_BUCKETS_SECONDS } from './metrics.js';

describe('broker metrics', () => {
  it('writes the text exposition format: HELP and TYPE before each family, one sample per line, a final newline', () => {
    const metrics = brokerMetrics();
    metrics.observeRequest('POST', '/v1/session/token', 200, 0.0004);
    const text = metrics.render({ mailQueueDepth: 3 });
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^(# (HELP|TYPE) latchkey_\w+ .+|latchkey_\w+(\{[^}]*\})? -?[\d.e+-]+)$/);
    const types = lines.filter((line) => line.startsWith('# TYPE')).map((line) => line.split(' ').slice(2).join(' '));
    expect(types).toEqual([
      'latchkey_http_requests_total counter',
      'latchkey_http_request_duration_seconds histogram',
      'latchkey_sign_ins_total counter',
      'latchkey_rate_limit_refusals_total counter',
      'latchkey_mail_queue_depth gauge',
    ]);
    expect(lines).toContain('latchkey_mail_queue_depth 3');
  });

  it('counts requests per method, route and status class; methods it does not know count as other', () => {
    const metrics = brokerMetrics();
    for (const [method, status] of [['GET', 200], ['GET', 204], ['GET', 404], ['POST', 503], ['PROPFIND', 405]] as const) metrics.observeRequest(method, '/x/:id', status, 0.01);
    const text = metrics.render({ mailQueueDepth: 0 });
    expect(text).toContain('latchkey_http_requests_total{method="GET",route="/x/:id",status="2xx"} 2');
    expect(text).toContain('latchkey_http_requests_total{method="GET",route="/x/:id",status="4xx"} 1');
    expect(text).toContain('latchkey_http_requests_total{method="POST",route="/x/:id",status="5xx"} 1');
    expect(text).toContain('latchkey_http_requests_total{method="other",route="/x/:id",status="4xx"} 1');
    expect(text).not.toContain('PROPFIND');
  });

  it('keeps a cumulative latency histogram per route, with its sum and count', () => {
    const metrics = brokerMetrics();
    for (const seconds of [0.0002, 0.0005, 0.003, 0.3, 42]) metrics.observeRequest('GET', '/r', 200, seconds);
    const text = metrics.render({ mailQueueDepth: 0 });
    const bucket = (le: string) => Number(new RegExp(`latchkey_http_request_duration_seconds_bucket\\{route="/r",le="${le.replace(/[.+]/g, '\\$&')}"\\} (\\S+)`).exec(text)?.[1]);
    // A sample on a bucket's bound falls in that bucket (le = less than or equal).
    expect(bucket('0.0005')).toBe(2);
    expect(bucket('0.001')).toBe(2);
    expect(bucket('0.005')).toBe(3);
    expect(bucket('0.5')).toBe(4);
    expect(bucket('10')).toBe(4);
    expect(bucket('+Inf')).toBe(5);
    expect(text).toContain('latchkey_http_request_duration_seconds_count{route="/r"} 5');
    expect(Number(/latchkey_http_request_duration_seconds_sum\{route="\/r"\} (\S+)/.exec(text)?.[1])).toBeCloseTo(42.3037, 6);
    const counts = [...text.matchAll(/_bucket\{route="\/r",le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('escapes label values, so no route can break a line of the exposition', () => {
    const metrics = brokerMetrics();
    metrics.observeRequest('GET', 'a"b\\c\nd', 200, 0.001);
    expect(metrics.render({ mailQueueDepth: 0 })).toContain('route="a\\"b\\\\c\\nd"');
  });

  it('has every sign-in series from the start at 0, and counts each by method and result', () => {
    const metrics = brokerMetrics();
    const before = metrics.render({ mailQueueDepth: 0 });
    for (const method of ['pwd', 'email_code', 'otp', 'passkey', 'oauth', 'oidc', 'saml', 'recovery_code']) {
      expect(before).toContain(`latchkey_sign_ins_total{method="${method}",result="succeeded"} 0`);
      expect(before).toContain(`latchkey_sign_ins_total{method="${method}",result="failed"} 0`);
    }
    metrics.signIn('passkey', 'succeeded');
    metrics.signIn('pwd', 'failed');
    metrics.signIn('pwd', 'failed');
    const after = metrics.render({ mailQueueDepth: 0 });
    expect(after).toContain('latchkey_sign_ins_total{method="passkey",result="succeeded"} 1');
    expect(after).toContain('latchkey_sign_ins_total{method="pwd",result="failed"} 2');
  });

  it('counts rate-limit refusals per budget', () => {
    const metrics = brokerMetrics();
    metrics.rateLimitRefused('ip');
    metrics.rateLimitRefused('ip');
    metrics.rateLimitRefused('pwd');
    const text = metrics.render({ mailQueueDepth: 0 });
    expect(text).toContain('latchkey_rate_limit_refusals_total{budget="ip"} 2');
    expect(text).toContain('latchkey_rate_limit_refusals_total{budget="pwd"} 1');
  });

  it('counts apart per broker: two in one process share nothing', () => {
    const [a, b] = [brokerMetrics(), brokerMetrics()];
    a.observeRequest('GET', '/health', 200, 0.001);
    expect(b.render({ mailQueueDepth: 0 })).not.toContain('route="/health"');
  });
});

describe('loggers', () => {
  it('json: one object per line, the time first', () => {
    const lines: string[] = [];
    jsonLogger((line) => lines.push(line)).log({ level: 'info', msg: 'request', method: 'GET', status: 200 });
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['time', 'level', 'msg', 'method', 'status']);
  });

  it('pretty: `latchkey: <msg> key=value`, an error on the lines below', () => {
    const lines: string[] = [];
    const logger = prettyLogger((line) => lines.push(line));
    logger.log({ level: 'info', msg: 'Broker listening on http://127.0.0.1:8787' });
    logger.log({ level: 'error', msg: 'request', method: 'POST', route: '/v1/sign-up', status: 500, skipped: undefined, error: 'Error: boom\n    at x' });
    expect(lines).toEqual(['latchkey: Broker listening on http://127.0.0.1:8787', 'latchkey: request method=POST route=/v1/sign-up status=500\nError: boom\n    at x']);
  });
});
