import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Real broker processes (`latchkey-broker` run by node, as an operator would) for the
 * load, fault and soak runs: a process can be killed with SIGKILL and measured for
 * memory, which an in-process `testBroker` cannot. Every instance gets the same public
 * URL and allowed origin as the in-process harness (harness.ts), so cookies, passkeys
 * and tokens made by one are good at any other on the same database: what a load
 * balancer in front of N instances needs.
 */

/**
 * latchkey-broker (cli/main.ts) as `pnpm start` runs it: the JavaScript bundle of the source
 * (scripts/dev-bundle.mjs), rebuilt first when a source is newer. Through tsx, each start cost
 * 4.5–17 s of a loaded CI machine.
 */
const RUN_BUNDLED = join(import.meta.dirname, '..', '..', '..', '..', 'scripts', 'run-bundled.mjs');
/** The harness's public URL and app origin (harness.ts): instances on any port act as one broker. */
export const SPAWNED_PUBLIC_URL = 'http://localhost:8787';
export const SPAWNED_APP_ORIGIN = 'http://app.test';

export interface SpawnedBroker {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcessWithoutNullStreams;
  /** What the process wrote, for the failure message of a test. */
  readonly output: { text: string };
  /** Resident memory of the process, in MiB (Linux /proc). */
  rssMiB(): number;
  /** CPU time the process has used so far (user + system), in seconds (Linux /proc). */
  cpuSeconds(): number;
  /** SIGKILL, as the kernel's OOM killer or a pulled plug does: no draining, no flush. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it is still there after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts a broker on `databaseUrl` (PostgreSQL) listening on 127.0.0.1:`port`, in dev mode
 * (the outbox is how a test reads its mail), trusting one proxy so a test can give each
 * simulated browser its own client address in `X-Forwarded-For`. Resolves once it listens.
 */
export async function spawnBroker(options: {
  name: string;
  port: number;
  databaseUrl: string;
  env?: Record<string, string>;
  /** Settings for its LATCHKEY_CONFIG file (those the environment has no variable for). */
  config?: Record<string, unknown>;
}): Promise<SpawnedBroker> {
  const configFile = options.config ? join(mkdtempSync(join(tmpdir(), 'lk-spawned-')), 'latchkey.json') : undefined;
  if (configFile) writeFileSync(configFile, JSON.stringify(options.config));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    BROKER_PORT: String(options.port),
    LATCHKEY_HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    LATCHKEY_DEV: '1',
    LATCHKEY_PUBLIC_URL: SPAWNED_PUBLIC_URL,
    LATCHKEY_ALLOWED_ORIGINS: SPAWNED_APP_ORIGIN,
    LATCHKEY_TRUSTED_PROXIES: '1',
    LATCHKEY_LOG: 'off',
    ...(configFile ? { LATCHKEY_CONFIG: configFile } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [RUN_BUNDLED, 'broker'], { env });
  const output = { text: '' };
  const keep = (chunk: Buffer) => {
    // Keep the tail only: a soak logs a line per request.
    output.text = (output.text + chunk.toString()).slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');
  const started = Date.now();
  const deadline = started + 60_000;
  while (!/Broker listening/.test(output.text)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`broker ${options.name} did not start:\n${output.text}`);
    }
    await sleep(50);
  }
  if (process.env.LATCHKEY_SPAWN_TIMES) console.log(`broker ${options.name} listening after ${Date.now() - started} ms`);
  const gone = async () => {
    if (child.exitCode === null && child.signalCode === null) await exited;
  };
  return {
    name: options.name,
    url: `http://127.0.0.1:${options.port}`,
    process: child,
    output,
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
    cpuSeconds() {
      // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) in clock ticks, counted after the command's closing parenthesis.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async kill() {
      child.kill('SIGKILL');
      await gone();
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone();
      clearTimeout(timer);
    },
  };
}

/** A free port on 127.0.0.1, asked of the system: a fixed one would collide with other servers on this machine. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `postgres://…/db` with every connection's search_path set to `schema` (a test's own schema on a shared server). */
export function withSchema(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** Milliseconds from sending to the whole body read. */
  ms: number;
}

/**
 * One browser over real HTTP: a cookie jar and a client address (sent as
 * `X-Forwarded-For`, read because the brokers trust one proxy), able to send each
 * request to any instance, as a load balancer would. The same jar shape as the
 * harness's browsers (a Map), so a browser can move between the two.
 */
export function httpBrowser(ip: string, cookies = new Map<string, string>()) {
  async function call(broker: { url: string }, method: string, path: string, json?: unknown, init: { timeoutMs?: number } = {}): Promise<Answer> {
    const headers: Record<string, string> = { origin: SPAWNED_APP_ORIGIN, 'x-forwarded-for': ip };
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const started = performance.now();
    const response = await fetch(`${broker.url}${path}`, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    const text = await response.text();
    const body = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text || undefined;
    return { status: response.status, headers: response.headers, body, ms: performance.now() - started };
  }
  return {
    ip,
    cookies,
    call,
    post: (broker: { url: string }, path: string, json: unknown = {}, init?: { timeoutMs?: number }) => call(broker, 'POST', path, json, init),
    get: (broker: { url: string }, path: string, init?: { timeoutMs?: number }) => call(broker, 'GET', path, undefined, init),
  };
}

export type HttpBrowser = ReturnType<typeof httpBrowser>;

/**
 * The newest six-digit code mailed to `to`, read from `broker`'s dev outbox once the mail queue
 * (up to ~1.1 s) has sent it; with `after`, once more than that many codes were mailed to `to`.
 */
export async function mailedCode(broker: { url: string }, to: string, options: { after?: number; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const reader = httpBrowser('127.0.0.1');
  for (;;) {
    const { status, body } = await reader.get(broker, `/dev/outbox?to=${encodeURIComponent(to)}`);
    // Only the mail that carries a code counts: a notice ("a new way to sign in was added") may land in between.
    const codes = (status === 200 ? (body as Array<{ text: string }>) : []).map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).filter((c) => c !== undefined);
    if (codes.length > (options.after ?? 0)) return codes[0]!;
    if (Date.now() > deadline) throw new Error(`no code mailed to ${to} within ${options.timeoutMs ?? 15_000} ms (outbox answered ${status})`);
    await sleep(100);
  }
}

/** The `q` quantile (0–1) of `values`, in their unit. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
