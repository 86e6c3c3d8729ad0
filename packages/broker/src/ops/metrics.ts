import type { FactorMethod } from '../modules/sign-in/factors.js';

/**
 * The broker's Prometheus metrics, counted in memory per process and written
 * in the text exposition format (version 0.0.4) at `GET /metrics`. Hand-written:
 * four families need no client library. Each instance reports its own counts;
 * Prometheus sums them across instances.
 *
 * Counting a request is on every request's path, the token refresh included, so
 * it allocates nothing after a route's first request: the series of a route are
 * made once (a few typed arrays, indexed by method and status class), and the
 * sign-in and refusal series are made up front or once per budget name.
 */

/** Request methods with a series of their own; anything else counts as `other`. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other'] as const;
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** Latency buckets (seconds): a token refresh answers in well under a millisecond, an argon2id sign-in in tens, an IdP call in seconds. */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Every way a factor is proven (the wire's `SessionFactor['method']`); a method missing here fails to compile below. */
const FACTOR_METHODS = ['pwd', 'email_code', 'otp', 'passkey', 'oauth', 'oidc', 'saml', 'recovery_code'] as const satisfies readonly FactorMethod[];
const everyFactorMethod: Exclude<FactorMethod, (typeof FACTOR_METHODS)[number]> extends never ? true : never = true;
void everyFactorMethod;

export type SignInResult = 'succeeded' | 'failed';

function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'PATCH':
      return 4;
    case 'DELETE':
      return 5;
    case 'OPTIONS':
      return 6;
    default:
      return 7;
  }
}

/** The counts of one route pattern: requests by method × status class, and its latency histogram (per bucket, not yet cumulative). */
interface RouteSeries {
  requests: Float64Array;
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** What `/metrics` reads at scrape time rather than counts. */
export interface MetricGauges {
  /** Mail jobs queued or being sent (`MailQueue.depth`). */
  mailQueueDepth: number;
}

/**
 * The broker's metrics. One per broker (`Deps.metrics`), never module-global:
 * two brokers in one process (tests, a host mounting two) count apart.
 *
 * @example
 * const metrics = brokerMetrics();
 * metrics.observeRequest('POST', '/v1/session/token', 200, 0.0004);
 * metrics.signIn('pwd', 'failed');
 * metrics.render({ mailQueueDepth: 0 }); // '# HELP latchkey_http_requests_total …'
 */
export interface BrokerMetrics {
  /** One answered request: its method, matched route pattern (never the raw path), status and duration in seconds. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** A sign-in that opened a session (by its first factor) or a wrong password or code at sign-in. */
  signIn(method: FactorMethod, result: SignInResult): void;
  /** The rate limiter refused a unit of `budget` (the key's prefix: `ip`, `pwd`, `code-device`…). */
  rateLimitRefused(budget: string): void;
  /** Every family in the text exposition format. */
  render(gauges: MetricGauges): string;
}

/** A label value as the exposition format quotes it: backslash, double quote and line feed escaped. */
const labelValue = (value: string) => value.replace(/[\\"\n]/g, (ch) => (ch === '\n' ? '\\n' : `\\${ch}`));

export function brokerMetrics(): BrokerMetrics {
  const routes = new Map<string, RouteSeries>();
  const signIns: Record<SignInResult, Map<FactorMethod, number>> = {
    succeeded: new Map(FACTOR_METHODS.map((m) => [m, 0])),
    failed: new Map(FACTOR_METHODS.map((m) => [m, 0])),
  };
  const refusals = new Map<string, number>();

  function seriesOf(route: string): RouteSeries {
    let series = routes.get(route);
    if (!series) {
      series = { requests: new Float64Array(METHODS.length * STATUS_CLASSES.length), buckets: new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1), sum: 0, count: 0 };
      routes.set(route, series);
    }
    return series;
  }

  function renderRequests(lines: string[]) {
    lines.push('# HELP latchkey_http_requests_total Requests answered, by method, route pattern and status class.', '# TYPE latchkey_http_requests_total counter');
    for (const [route, series] of routes) {
      for (let m = 0; m < METHODS.length; m++) {
        for (let s = 0; s < STATUS_CLASSES.length; s++) {
          const n = series.requests[m * STATUS_CLASSES.length + s]!;
          if (n > 0) lines.push(`latchkey_http_requests_total{method="${METHODS[m]}",route="${labelValue(route)}",status="${STATUS_CLASSES[s]}"} ${n}`);
        }
      }
    }
    lines.push('# HELP latchkey_http_request_duration_seconds Time to answer a request, by route pattern.', '# TYPE latchkey_http_request_duration_seconds histogram');
    for (const [route, series] of routes) {
      const label = labelValue(route);
      let cumulative = 0;
      for (let b = 0; b < LATENCY_BUCKETS_SECONDS.length; b++) {
        cumulative += series.buckets[b]!;
        lines.push(`latchkey_http_request_duration_seconds_bucket{route="${label}",le="${LATENCY_BUCKETS_SECONDS[b]}"} ${cumulative}`);
      }
      lines.push(
        `latchkey_http_request_duration_seconds_bucket{route="${label}",le="+Inf"} ${series.count}`,
        `latchkey_http_request_duration_seconds_sum{route="${label}"} ${series.sum}`,
        `latchkey_http_request_duration_seconds_count{route="${label}"} ${series.count}`,
      );
    }
  }

  return {
    observeRequest(method, route, status, seconds) {
      const series = seriesOf(route);
      const statusClass = Math.min(Math.max(Math.floor(status / 100), 1), 5) - 1;
      const cell = methodIndex(method) * STATUS_CLASSES.length + statusClass;
      series.requests[cell] = series.requests[cell]! + 1;
      let b = 0;
      while (b < LATENCY_BUCKETS_SECONDS.length && seconds > LATENCY_BUCKETS_SECONDS[b]!) b++;
      series.buckets[b] = series.buckets[b]! + 1;
      series.sum += seconds;
      series.count += 1;
    },
    signIn(method, result) {
      const counts = signIns[result];
      counts.set(method, (counts.get(method) ?? 0) + 1);
    },
    rateLimitRefused(budget) {
      refusals.set(budget, (refusals.get(budget) ?? 0) + 1);
    },
    render(gauges) {
      const lines: string[] = [];
      renderRequests(lines);
      lines.push('# HELP latchkey_sign_ins_total Sign-ins that opened a session (by first factor) and wrong passwords or codes at sign-in, by method and result.', '# TYPE latchkey_sign_ins_total counter');
      for (const result of ['succeeded', 'failed'] as const) {
        for (const [method, n] of signIns[result]) lines.push(`latchkey_sign_ins_total{method="${method}",result="${result}"} ${n}`);
      }
      lines.push('# HELP latchkey_rate_limit_refusals_total Units the rate limiter refused, by budget.', '# TYPE latchkey_rate_limit_refusals_total counter');
      for (const [budget, n] of refusals) lines.push(`latchkey_rate_limit_refusals_total{budget="${labelValue(budget)}"} ${n}`);
      lines.push('# HELP latchkey_mail_queue_depth Mail jobs waiting in the queue or being sent.', '# TYPE latchkey_mail_queue_depth gauge', `latchkey_mail_queue_depth ${gauges.mailQueueDepth}`);
      return `${lines.join('\n')}\n`;
    },
  };
}
