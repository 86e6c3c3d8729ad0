/**
 * `pnpm bench`: the token refresh (`POST /v1/session/token`, in no organization
 * and in the tab's organization with `?org=`) on PGlite and on PostgreSQL, each
 * beside a floor built in the same run from the same libraries without Latchkey
 * code, and `GET /.well-known/jwks.json` beside a bare-Hono JSON ceiling. Each target runs in a process of its own on 127.0.0.1; the
 * load generator (autocannon) runs here, against loopback only, for a bounded
 * time per target after a short warm-up.
 *
 * Environment:
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL  PostgreSQL (default postgres://postgres@127.0.0.1:5432/test);
 *                                           a schema of its own, dropped after; skipped with a note if unreachable
 *   BENCH_SECONDS (5) per measurement, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32), BENCH_POOL (10)
 *   BENCH_ROUNDS (2)                        refresh rounds per store, floor and Latchkey taking turns
 *                                           first; figures are the mean over rounds, so drift on a busy
 *                                           machine hits both alike (default: 10 s per refresh target)
 *   BENCH_STORES=pglite,postgres            which stores to run
 *   BENCH_ONLY=passkeys                     only the passkey ceremony finishes (see passkeys.ts), not the HTTP targets
 *   BENCH_ONLY=refresh                      only the token refreshes (in no organization and with ?org=) beside their floors
 *   BENCH_ONLY=oauth                        only the OIDC callback beside oauth4webapi alone (see oauth.ts; PGlite in memory, ephemeral ports)
 *   BENCH_ONLY=saml                         only the SAML ACS + finish beside node-saml alone (see saml.ts; PGlite in memory, ephemeral ports)
 *   BENCH_OAUTH_CALLBACKS (256)             measured callbacks of each
 *   BENCH_PASSKEY_CEREMONIES (320)          measured finishes of each passkey ceremony per store
 *   BENCH_PASSKEY_CONCURRENCY (8)           passkey finishes in flight at once
 *   BENCH_CPU_PROF=1                        write V8 CPU profiles per target to $TMPDIR/latchkey-bench-profiles/<target>/
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPgliteStorage, createPostgresStorage } from '../../packages/broker/src/index.js';
import { benchOAuthCallbacks, oauthTable } from './oauth.js';
import { benchSamlAcs, samlTable } from './saml.js';
import { benchPasskeyFinishes, passkeyTable, type PasskeyFigures } from './passkeys.js';
import { BENCH_ORG, COOKIE_NAME, ORIGIN, SEED_SQL, SESSION_SECRET, type StoreSpec, type TargetKind, type TargetReady, type TargetSpec } from './shared.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const poolSize = Number(process.env.BENCH_POOL ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const stores = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',').map((s) => s.trim());
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const profileDir = process.env.BENCH_CPU_PROF ? join(tmpdir(), 'latchkey-bench-profiles') : undefined;
const passkeysOnly = process.env.BENCH_ONLY === 'passkeys';
const refreshOnly = process.env.BENCH_ONLY === 'refresh';
const passkeyCeremonies = Number(process.env.BENCH_PASSKEY_CEREMONIES ?? 320);
const passkeyConcurrency = Number(process.env.BENCH_PASSKEY_CONCURRENCY ?? 8);

const log = (line: string) => console.error(`bench: ${line}`);

if (process.env.BENCH_ONLY === 'oauth') {
  // In-process on PGlite in memory against a fake IdP on an ephemeral port: binds no fixed port.
  const figures = await benchOAuthCallbacks({ count: Number(process.env.BENCH_OAUTH_CALLBACKS ?? 256), concurrency: 8 });
  console.log(`OAuth/OIDC callback, server CPU per callback (${figures.count} each, 8 in flight, in-process; both include the fake IdP's own work):\n\n${oauthTable(figures)}`);
  process.exit(0);
}

if (process.env.BENCH_ONLY === 'saml') {
  // In-process on PGlite in memory against the dev SAML IdP on an ephemeral port: binds no fixed port.
  const count = Number(process.env.BENCH_SAML_SIGN_INS ?? 128);
  const runs = [await benchSamlAcs({ count, concurrency: 4 }), await benchSamlAcs({ count, concurrency: 4, encrypted: true })];
  console.log(`SAML sign-in, server CPU per sign-in (${runs[0]!.count} each, 4 in flight, in-process; the same responses of the dev SAML IdP for both):\n\n${samlTable(runs)}`);
  process.exit(0);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the target process per answered request, in µs (user + system). */
  cpuUs: number;
}

interface Row extends Figures {
  store: string;
  target: string;
  versus?: Figures & { what: string };
}

/** Starts a target process and waits until it listens. */
async function start(spec: TargetSpec, label: string): Promise<{ url: string; cpu(): Promise<number>; stop(): Promise<void> }> {
  const execArgv = ['--import', 'tsx'];
  // One folder per target: the main thread's profile is the largest (tsx's loader thread writes one too).
  if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, label)}`);
  const child: ChildProcess = fork(fileURLToPath(new URL('./target.ts', import.meta.url)), [JSON.stringify(spec)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: TargetReady) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`target ${label} exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** The target's CPU time so far, in µs. */
    cpu: () =>
      new Promise<number>((resolve) => {
        child.once('message', (message: { cpu: NodeJS.CpuUsage }) => resolve(message.cpu.user + message.cpu.system));
        child.send('cpu');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

async function load(url: string, init: { method: 'GET' | 'POST'; headers: Record<string, string> }, duration: number) {
  const result = await autocannon({ url, ...init, connections, pipelining: 1, duration });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

/** Checks one answer by hand, warms up, then measures. */
async function measure(spec: TargetSpec, label: string, path: string, init: { method: 'GET' | 'POST'; headers: Record<string, string> }) {
  const target = await start(spec, label);
  try {
    const url = `${target.url}${path}`;
    const probe = await fetch(url, init);
    const body = await probe.text();
    if (probe.status !== 200 || !/"(token|keys)"/.test(body)) throw new Error(`${label}: ${probe.status} ${body.slice(0, 200)}`);
    await load(url, init, warmupSeconds);
    const cpuBefore = await target.cpu();
    const { requests, ...figures } = await load(url, init, seconds);
    const cpuUs = (await target.cpu()) - cpuBefore;
    const result: Figures = { ...figures, cpuUs: cpuUs / requests };
    log(`${label}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${Math.round(result.cpuUs)} µs CPU/request`);
    return result;
  } finally {
    await target.stop();
  }
}

const refresh = { method: 'POST' as const, headers: { origin: ORIGIN, cookie: `${COOKIE_NAME}=${SESSION_SECRET}` } };
const jwks = { method: 'GET' as const, headers: {} };

const mean = (all: Figures[]): Figures => {
  const avg = (pick: (f: Figures) => number) => all.reduce((sum, f) => sum + pick(f), 0) / all.length;
  return { rps: avg((f) => f.rps), p50: Math.round(avg((f) => f.p50)), p99: Math.round(avg((f) => f.p99)), cpuUs: avg((f) => f.cpuUs) };
};

/** The refreshes measured, each beside its floor: in no organization, and in the tab's organization. */
const REFRESHES: Array<{ floor: TargetKind; path: string; floorLabel: string; label: string; key: string }> = [
  { floor: 'floor', path: '/v1/session/token', floorLabel: 'floor: Hono + cookie + 1 SQL + ES256 mint', label: 'Latchkey POST /v1/session/token', key: '' },
  {
    floor: 'floor-org',
    path: `/v1/session/token?org=${BENCH_ORG}`,
    floorLabel: 'floor: Hono + cookie + 1 SQL (session ⋈ membership ⋈ role) + ES256 mint',
    label: 'Latchkey POST /v1/session/token?org=',
    key: '-org',
  },
];

async function benchStore(store: StoreSpec, name: string, rows: Row[]) {
  for (const refreshed of REFRESHES) {
    const floors: Figures[] = [];
    const ours: Figures[] = [];
    for (let round = 0; round < rounds; round++) {
      const runFloor = async () => floors.push(await measure({ target: refreshed.floor, store }, `${name}${refreshed.key}-floor`, refreshed.path, refresh));
      const runOurs = async () => ours.push(await measure({ target: 'latchkey', store }, `${name}${refreshed.key}-latchkey`, refreshed.path, refresh));
      if (round % 2 === 0) await runFloor().then(runOurs);
      else await runOurs().then(runFloor);
    }
    const floor = mean(floors);
    rows.push({ store: name, target: refreshed.floorLabel, ...floor });
    rows.push({ store: name, target: refreshed.label, ...mean(ours), versus: { ...floor, what: 'floor' } });
  }
  if (refreshOnly) return;
  const keys = await measure({ target: 'latchkey', store }, `${name}-jwks`, '/.well-known/jwks.json', jwks);
  rows.push({ store: name, target: 'Latchkey GET /.well-known/jwks.json', ...keys });
}

async function seed(storage: { query(sql: string): Promise<unknown> }) {
  for (const sql of SEED_SQL) await storage.query(sql);
}

const passkeyRows: Array<PasskeyFigures & { store: string }> = [];

/** The passkey finishes on a fresh database of their own, in this process (see passkeys.ts). */
async function benchPasskeys(storage: Awaited<ReturnType<typeof createPgliteStorage>> | Awaited<ReturnType<typeof createPostgresStorage>>, name: string) {
  for (const figures of await benchPasskeyFinishes(storage, { count: passkeyCeremonies, concurrency: passkeyConcurrency })) {
    log(`${name} passkey ${figures.ceremony}: broker ${Math.round(figures.brokerUs)} µs CPU/finish, @simplewebauthn/server alone ${Math.round(figures.libraryUs)} µs`);
    passkeyRows.push({ ...figures, store: name });
  }
}

async function pgliteStore(rows: Row[]) {
  if (passkeysOnly) {
    const storage = await createPgliteStorage();
    return benchPasskeys(storage, 'PGlite').finally(() => storage.close());
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  try {
    log('creating a PGlite database (initdb takes a few seconds)…');
    const storage = await createPgliteStorage({ dataDir });
    await seed(storage);
    await storage.close();
    await benchStore({ kind: 'pglite', dataDir }, 'PGlite', rows);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (refreshOnly) return;
  const storage = await createPgliteStorage();
  await benchPasskeys(storage, 'PGlite').finally(() => storage.close());
}

async function postgresStore(rows: Row[]): Promise<string | undefined> {
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
  } catch (error) {
    return `PostgreSQL skipped: ${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} is unreachable (${(error as Error).message}); set BENCH_DATABASE_URL`;
  } finally {
    await probe.end().catch(() => {});
  }
  const schema = `lk_bench_${randomBytes(4).toString('hex')}`;
  if (!passkeysOnly) {
    const storage = await createPostgresStorage({ connectionString: databaseUrl, schema, max: 2 });
    try {
      await seed(storage);
      await storage.query('ANALYZE');
      await benchStore({ kind: 'postgres', connectionString: databaseUrl, schema, poolSize }, 'PostgreSQL', rows);
    } finally {
      await storage.query(`DROP SCHEMA ${schema} CASCADE`);
      await storage.close();
    }
  }
  if (refreshOnly) return undefined;
  const passkeySchema = `${schema}_passkeys`;
  const storage = await createPostgresStorage({ connectionString: databaseUrl, schema: passkeySchema, max: poolSize });
  try {
    await benchPasskeys(storage, 'PostgreSQL');
  } finally {
    await storage.query(`DROP SCHEMA ${passkeySchema} CASCADE`);
    await storage.close();
  }
  return undefined;
}

function table(rows: Row[]): string {
  const lines = ['| store | target | req/s | p50 ms | p99 ms | CPU µs/req | ratio (req/s) | ratio (CPU) |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  const percent = (x: number) => `${Math.round(x * 100)} %`;
  for (const r of rows) {
    const ratio = r.versus ? `${percent(r.rps / r.versus.rps)} of ${r.versus.what}` : '';
    // The floor's CPU per request over ours: what the ratio would be on an idle machine, CPU-bound.
    const cpuRatio = r.versus ? `${percent(r.versus.cpuUs / r.cpuUs)}` : '';
    lines.push(`| ${r.store} | ${r.target} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${Math.round(r.cpuUs)} | ${ratio} | ${cpuRatio} |`);
  }
  return lines.join('\n');
}

const rows: Row[] = [];
const notes: string[] = [];
log(`${seconds} s per target${rounds > 1 ? ` and round (${rounds} rounds)` : ''} after ${warmupSeconds} s warm-up, ${connections} connections, pool ${poolSize}; ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
if (stores.includes('pglite')) await pgliteStore(rows);
if (stores.includes('postgres')) {
  const skipped = await postgresStore(rows);
  if (skipped) notes.push(skipped);
}
if (refreshOnly) console.log(table(rows));
else if (!passkeysOnly) {
  const ceiling = await measure({ target: 'ceiling' }, 'jwks-ceiling', '/.well-known/jwks.json', jwks);
  rows.push({ store: '—', target: 'ceiling: bare Hono JSON key set', ...ceiling });
  for (const row of rows) if (row.target.includes('jwks.json')) row.versus = { ...ceiling, what: 'ceiling' };
  console.log(table(rows));
}

if (passkeyRows.length > 0) console.log(`\nPasskey ceremony finish, server CPU per finish (${passkeyRows[0]!.count} each, ${passkeyConcurrency} in flight, in-process; PGlite's figure includes its SQL):\n\n${passkeyTable(passkeyRows)}`);
for (const note of notes) console.log(`\n${note}`);
const below = rows.filter((r) => r.versus?.what === 'floor' && r.rps / r.versus.rps < 0.75);
if (below.length > 0) console.log(`\nBelow the 75 % target: ${below.map((r) => r.store).join(', ')}.`);
const slow = passkeyRows.filter((r) => r.brokerUs > 2000);
if (slow.length > 0) console.log(`\nAbove the 2 ms passkey target: ${slow.map((r) => `${r.store} ${r.ceremony}`).join(', ')}.`);
