import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrokerConfigInput, LogFormat } from '../index.js';

/** Where the broker listens and stores, besides the broker config itself. */
export interface Settings {
  port: number;
  /**
   * The address to listen on (`LATCHKEY_HOST`), when set. Unset: every interface,
   * or in dev mode only the loopback the public URL names (see `listenHosts`).
   */
  host: string | undefined;
  /** PostgreSQL when set; otherwise PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  /**
   * How the broker logs (`LATCHKEY_LOG`): `json` (one JSON object per line: its start and
   * stop and every answered request), `pretty` (the same as readable lines) or `off` (start
   * and stop as plain lines, no request lines). Default: `json`, or `off` in dev mode, where a
   * line per request would drown `pnpm start`'s output.
   */
  log: LogFormat;
  /**
   * Seconds between SIGTERM and closing the listener (`LATCHKEY_DRAIN_SECONDS`, default 0):
   * `/ready` already answers 503 while new requests are still served, so a load balancer
   * that polls it stops sending traffic before connections are refused.
   */
  drainSeconds: number;
  config: BrokerConfigInput;
}

type Env = Record<string, string | undefined>;

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
const flag = (value: string) => ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

/**
 * LATCHKEY_SOCIAL: the social providers as a JSON array, in button order (the broker
 * config's `social`, checked by it), e.g.
 * `[{"id":"github","preset":"github","client_id":"…","client_secret":"…"}]`.
 */
function socialProviders(json: string): NonNullable<BrokerConfigInput['social']> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('LATCHKEY_SOCIAL: not valid JSON (a JSON array of providers: [{"id":"github","preset":"github","client_id":"…","client_secret":"…"}])');
  }
  if (!Array.isArray(parsed)) throw new Error('LATCHKEY_SOCIAL: a JSON array of providers is expected');
  return parsed as NonNullable<BrokerConfigInput['social']>;
}

/** LATCHKEY_TRUSTED_PROXIES, or the older LATCHKEY_TRUST_PROXY=1 read as one proxy. */
function trustedProxies(env: Env): number | undefined {
  const hops = env.LATCHKEY_TRUSTED_PROXIES?.trim();
  if (hops) {
    if (!/^\d+$/.test(hops)) throw new Error(`LATCHKEY_TRUSTED_PROXIES: ${hops} is not a number of proxies (0 when none)`);
    return Number(hops);
  }
  return env.LATCHKEY_TRUST_PROXY ? (flag(env.LATCHKEY_TRUST_PROXY) ? 1 : 0) : undefined;
}

const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty', 'off'];

function logFormat(value: string | undefined, dev: boolean): LogFormat {
  if (value === undefined || value.trim() === '') return dev ? 'off' : 'json';
  const format = value.trim().toLowerCase() as LogFormat;
  if (!LOG_FORMATS.includes(format)) throw new Error(`LATCHKEY_LOG: ${value} is not one of ${LOG_FORMATS.join(', ')}`);
  return format;
}

function drainSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || seconds > 300) throw new Error(`LATCHKEY_DRAIN_SECONDS: ${value} is not a whole number of seconds from 0 to 300`);
  return seconds;
}

/**
 * The folder relative paths (LATCHKEY_CONFIG, LATCHKEY_DATA_DIR) start from:
 * the current one, except when pnpm runs this package's own script (`pnpm start`
 * in the workspace), which it runs inside packages/broker: there it is the
 * folder the command was typed in (INIT_CWD). An npm script of another package
 * that runs `latchkey-broker` runs in that package's folder, which is the cwd.
 */
export function baseDir(env: Env, cwd: string): string {
  return env.npm_package_name === '@latchkey/broker' && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/**
 * Settings from an optional JSON config file (`LATCHKEY_CONFIG`) with the
 * environment on top. The broker validates the result and names bad fields.
 * Dev mode comes only from `LATCHKEY_DEV=1` (`pnpm start` sets it) or the
 * file's `"dev": true`, never from a missing NODE_ENV.
 */
export function readSettings(env: Env, cwd: string): Settings {
  const file: Partial<BrokerConfigInput> = env.LATCHKEY_CONFIG ? JSON.parse(readFileSync(resolve(cwd, env.LATCHKEY_CONFIG), 'utf8')) : {};
  const port = Number(env.BROKER_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`BROKER_PORT: ${env.BROKER_PORT} is not a port number`);
  const demoPort = env.DEMO_PORT ?? '5173';
  const hops = trustedProxies(env);
  const config: BrokerConfigInput = {
    ...file,
    publicUrl: env.LATCHKEY_PUBLIC_URL ?? file.publicUrl ?? `http://localhost:${port}`,
    allowedOrigins: env.LATCHKEY_ALLOWED_ORIGINS ? list(env.LATCHKEY_ALLOWED_ORIGINS) : (file.allowedOrigins ?? [`http://localhost:${demoPort}`]),
    dev: env.LATCHKEY_DEV ? flag(env.LATCHKEY_DEV) : (file.dev ?? false),
    ...(env.LATCHKEY_SECRET ? { secret: env.LATCHKEY_SECRET } : {}),
    // The admin API's bearer token; unset, every /admin/v1 route answers 403 admin_disabled.
    ...(env.LATCHKEY_ADMIN_TOKEN ? { adminToken: env.LATCHKEY_ADMIN_TOKEN } : {}),
    // The bearer token of GET /metrics; unset, only this machine may read it.
    ...(env.LATCHKEY_METRICS_TOKEN ? { metrics: { ...file.metrics, token: env.LATCHKEY_METRICS_TOKEN } } : {}),
    ...(hops !== undefined ? { trustedProxies: hops } : {}),
    ...(env.MAIL_FROM ? { mail: { ...file.mail, from: env.MAIL_FROM } } : {}),
    // The broker checks the names; a wrong one stops start-up with the field named.
    ...(env.LATCHKEY_SIGN_IN_METHODS ? { signIn: { ...file.signIn, methods: list(env.LATCHKEY_SIGN_IN_METHODS) as NonNullable<BrokerConfigInput['signIn']>['methods'] } } : {}),
    ...(env.LATCHKEY_RP_ID ? { passkeys: { ...file.passkeys, rpId: env.LATCHKEY_RP_ID } } : {}),
    ...(env.LATCHKEY_SOCIAL ? { social: socialProviders(env.LATCHKEY_SOCIAL) } : {}),
    // How long an unused session lives (seconds; 0 turns the idle timeout off, the default).
    ...(env.LATCHKEY_SESSION_IDLE_TIMEOUT_SECONDS ? { session: { ...file.session, idleTimeoutSeconds: Number(env.LATCHKEY_SESSION_IDLE_TIMEOUT_SECONDS) } } : {}),
    // How recent a sign-in a sensitive change needs (seconds; the broker takes 60 to 86 400, default 600).
    ...(env.LATCHKEY_STEP_UP_MAX_AGE_SECONDS ? { stepUp: { ...file.stepUp, maxAgeSeconds: Number(env.LATCHKEY_STEP_UP_MAX_AGE_SECONDS) } } : {}),
    // The host page that takes invitations and invite links (mailed and shared links point there).
    ...(env.LATCHKEY_ORGS_JOIN_URL ? { orgs: { ...file.orgs, joinUrl: env.LATCHKEY_ORGS_JOIN_URL } } : {}),
  };
  return {
    port,
    host: env.LATCHKEY_HOST?.trim() || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(cwd, env.LATCHKEY_DATA_DIR ?? '.latchkey/data'),
    smtpUrl: env.SMTP_URL || undefined,
    log: logFormat(env.LATCHKEY_LOG, config.dev === true),
    drainSeconds: drainSeconds(env.LATCHKEY_DRAIN_SECONDS),
    config,
  };
}
