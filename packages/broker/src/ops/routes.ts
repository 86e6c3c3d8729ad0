import { PROBLEM_TYPE_PREFIX } from '@latchkey/client';
import { Hono, type Context } from 'hono';
import type { BrokerConfig } from '../config.js';
import { isLoopbackUrl } from '../config.js';
import type { Deps } from '../deps.js';
import { clientIp } from '../http/guard/client-ip.js';
import { problemResponse } from '../http/problem.js';
import { adminTokenMatches, bearerToken, sha256 } from '../modules/admin/guard.js';
import { ensureSigningKey } from '../modules/sessions/keys.js';
import { migrationsApplied } from '../storage/migrate.js';

/**
 * `/ready` refused: 503 problem+json, so a load balancer or orchestrator sends
 * this instance nothing new. Its code (`not_ready`) is for operators and their
 * probes, not in the client's `ProblemCode` union: no element calls `/ready`.
 */
function notReady(c: Context, detail: string) {
  const body = { type: `${PROBLEM_TYPE_PREFIX}not_ready`, code: 'not_ready', title: 'The broker is not ready', status: 503, detail };
  return c.body(JSON.stringify(body), 503, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
}

/** Headers a proxy adds: a request that carries one came through a proxy, whatever its socket says. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * Who may read `/metrics` (never the public by default):
 * - with `metrics.token` (LATCHKEY_METRICS_TOKEN) set: whoever presents it as
 *   `Authorization: Bearer <token>`, from anywhere, this machine included;
 * - without it: only a caller on this machine — a loopback socket address, with
 *   no trusted proxies configured and no forwarding header, since a proxy on the
 *   same machine makes every visitor's request arrive from 127.0.0.1.
 * Anyone else gets 404, as for a path that does not exist.
 */
function metricsReader(config: BrokerConfig): (c: Context) => boolean {
  const expected = config.metrics.token === undefined ? undefined : sha256(config.metrics.token);
  if (expected) return (c) => adminTokenMatches(expected, bearerToken(c.req.header('authorization')));
  return (c) => {
    if (config.trustedProxies > 0 || FORWARDING_HEADERS.some((name) => c.req.header(name) !== undefined)) return false;
    const address = clientIp(c, 0);
    return address !== undefined && isLoopbackUrl(`http://${address.includes(':') ? `[${address}]` : address}/`);
  };
}

/**
 * The operator's routes: `/health` (the process answers), `/ready` (it can serve:
 * the database answers, is migrated and holds a signing key; and it is not
 * stopping) and `/metrics` (Prometheus text format, see `metricsReader`).
 * `draining()` turns true when the process was told to stop (SIGTERM): from then
 * on `/ready` answers 503 while the requests in flight finish.
 *
 * @example
 * let draining = false;
 * app.route('/', opsRoutes(deps, { draining: () => draining }));
 */
export function opsRoutes(deps: Deps, lifecycle: { draining: () => boolean }) {
  const mayReadMetrics = metricsReader(deps.config);
  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      if (lifecycle.draining()) return notReady(c, 'draining: this instance is stopping and takes no new work');
      // Ready means able to sign: the first signing key exists (and opens) before a gateway loads the JWKS.
      const ready = await migrationsApplied(deps.storage)
        .then((applied) => applied && ensureSigningKey(deps).then(() => true))
        .catch(() => false);
      return ready ? c.json({ status: 'ready' }) : notReady(c, 'database unreachable or not migrated');
    })
    .get('/metrics', (c) => {
      if (!mayReadMetrics(c)) return problemResponse(c, 'not_found');
      return c.body(deps.metrics.render({ mailQueueDepth: deps.mail.depth() }), 200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'cache-control': 'no-store',
      });
    });
}
