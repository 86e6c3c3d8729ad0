/**
 * `pnpm bench`: the hot paths beside their floors, on PGlite and on PostgreSQL:
 * the token refresh (`POST /v1/session/token`, in no organization and in the
 * tab's organization with `?org=`) and `GET /v1/session`, each beside a floor
 * doing the least that answer needs with the same libraries and no Latchkey
 * code (see target.ts); and `GET /.well-known/jwks.json` beside a bare-Hono
 * JSON ceiling. Each target runs in a process of its own on 127.0.0.1, pinned
 * to core 1, the load generator (wrk, else autocannon: see load.ts) on core 0.
 * Floor and broker are both started and warmed up, then take turns (floor,
 * broker, floor, broker, …); each round's ratio pairs the two turns of that
 * round, and the table shows the mean of those ratios (and their range).
 *
 * Environment:
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL  PostgreSQL (default postgres://postgres@127.0.0.1:5432/test);
 *                                           a schema of its own, dropped after; skipped with a note if unreachable
 *   BENCH_SECONDS (5) per turn, BENCH_WARMUP_SECONDS (2) per target and path, BENCH_CONNECTIONS (32), BENCH_POOL (10)
 *   BENCH_ROUNDS (3)                        rounds per path and store, each a floor turn then a broker turn
 *   BENCH_STORES=pglite,postgres            which stores to run
 *   BENCH_LOAD=autocannon                   autocannon even where wrk is installed
 *   BENCH_ONLY=refresh                      only the token refreshes (in no organization and with ?org=) beside their floors
 *   BENCH_ONLY=session                      only GET /v1/session beside its floor
 *   BENCH_ONLY=refresh,session              both (the hot paths), without the JWKS and the ceremonies
 *   BENCH_ONLY=passkeys                     only the passkey ceremony finishes (see passkeys.ts), not the HTTP targets
 *   BENCH_ONLY=oauth                        only the OIDC callback beside oauth4webapi alone (see oauth.ts; PGlite in memory, ephemeral ports)
 *   BENCH_ONLY=saml                         only the SAML ACS + finish beside node-saml alone (see saml.ts; PGlite in memory, ephemeral ports)
 *   BENCH_OAUTH_CALLBACKS (256)             measured callbacks of each
 *   BENCH_PASSKEY_CEREMONIES (320)          measured finishes of each passkey ceremony per store
 *   BENCH_PASSKEY_CONCURRENCY (8)           passkey finishes in flight at once
 *   BENCH_CPU_PROF=1                        write V8 CPU profiles per target to $TMPDIR/latchkey-bench-profiles/<target>/
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPgliteStorage, createPostgresStorage } from '../../packages/broker/src/index.js';
import { load, LOAD_CORE, loadGenerator, pin, pinned, TARGET_CORE, type Request } from './load.js';
import { benchOAuthCallbacks, oauthTable } from './oauth.js';
import { benchSamlAcs, samlTable } from './saml.js';
import { benchPasskeyFinishes, passkeyTable, type PasskeyFigures } from './passkeys.js';
import { BENCH_ORG, COOKIE_NAME, ORIGIN, SEED_SQL, SESSION_SECRET, type StoreSpec, type TargetReady, type TargetSpec } from './shared.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const poolSize = Number(process.env.BENCH_POOL ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const stores = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',').map((s) => s.trim());
const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const profileDir = process.env.BENCH_CPU_PROF ? join(tmpdir(), 'latchkey-bench-profiles') : undefined;
const only = new Set((process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const passkeysOnly = only.has('passkeys');
/** Only the hot paths beside their floors (BENCH_ONLY=refresh and/or session): no JWKS, no ceremonies. */
const hotOnly = only.has('refresh') || only.has('session');
const passkeyCeremonies = Number(process.env.BENCH_PASSKEY_CEREMONIES ?? 320);
const passkeyConcurrency = Number(process.env.BENCH_PASSKEY_CONCURRENCY ?? 8);

const log = (line: string) => console.error(`bench: ${line}`);

if (only.has('oauth')) {
  // In-process on PGlite in memory against a fake IdP on an ephemeral port: binds no fixed port.
  const figures = await benchOAuthCallbacks({ count: Number(process.env.BENCH_OAUTH_CALLBACKS ?? 256), concurrency: 8 });
  console.log(`OAuth/OIDC callback, server CPU per callback (${figures.count} each, 8 in flight, in-process; both include the fake IdP's own work):\n\n${oauthTable(figures)}`);
  process.exit(0);
}

if (only.has('saml')) {
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

/** Ours beside a floor or ceiling: each ratio the mean of the per-round ratios, with their range. */
interface Versus {
  what: string;
  /** Our req/s ÷ theirs. */
  rps: number[];
  /** Their CPU per request ÷ ours (1 = as little as theirs). */
  cpu: number[];
}

interface Row extends Figures {
  store: string;
  target: string;
  versus?: Versus;
}

interface Target {
  url: string;
  label: string;
  /** The target's CPU time so far, in µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a target process on the targets' core and waits until it listens. */
async function start(spec: TargetSpec, label: string): Promise<Target> {
  const execArgv = ['--import', 'tsx'];
  // One folder per target: the main thread's profile is the largest (tsx's loader thread writes one too).
  if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, label)}`);
  const child: ChildProcess = fork(fileURLToPath(new URL('./target.ts', import.meta.url)), [JSON.stringify(spec)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  pin(child.pid!, TARGET_CORE);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: TargetReady) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`target ${label} exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    label,
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

/** A benched answer: its path, the request a browser sends, and what its body shows when right. */
interface Path {
  key: string;
  path: string;
  request: Request;
  answers: RegExp;
  floorLabel: string;
  label: string;
}

const browser = { origin: ORIGIN, cookie: `${COOKIE_NAME}=${SESSION_SECRET}` };
const PATHS: Path[] = [
  {
    key: 'refresh',
    path: '/v1/session/token',
    request: { method: 'POST', headers: browser },
    answers: /"token"/,
    floorLabel: 'floor: Hono + cookie + 1 prepared SQL (3 columns) + ES256 mint',
    label: 'Latchkey POST /v1/session/token',
  },
  {
    key: 'refresh',
    path: `/v1/session/token?org=${BENCH_ORG}`,
    request: { method: 'POST', headers: browser },
    answers: /"token"/,
    floorLabel: 'floor: Hono + cookie + 1 prepared SQL (session ⋈ membership ⋈ role) + ES256 mint',
    label: 'Latchkey POST /v1/session/token?org=',
  },
  {
    key: 'session',
    path: '/v1/session',
    request: { method: 'GET', headers: browser },
    answers: /"user":\{/,
    floorLabel: 'floor: Hono + cookie + 1 prepared SQL (session ⋈ user) + JSON',
    label: 'Latchkey GET /v1/session',
  },
];
const jwks: Request = { method: 'GET', headers: {} };

/** Checks one answer by hand: a target that refuses is never measured as a fast one. */
async function probe(target: Target, path: string, request: Request, answers: RegExp) {
  const response = await fetch(`${target.url}${path}`, request);
  const body = await response.text();
  if (response.status !== 200 || !answers.test(body)) throw new Error(`${target.label} ${path}: ${response.status} ${body.slice(0, 200)}`);
}

/** One measured turn of `target` on `path`: the load's figures and the target's CPU per answer. */
async function turn(target: Target, path: string, request: Request): Promise<Figures> {
  const cpuBefore = await target.cpu();
  const { requests, ...figures } = await load(`${target.url}${path}`, request, connections, seconds);
  const cpuUs = ((await target.cpu()) - cpuBefore) / requests;
  return { ...figures, cpuUs };
}

const describe = (label: string, f: Figures) => `${label}: ${Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ${Math.round(f.cpuUs)} µs CPU/request`;

const mean = (values: number[]) => values.reduce((sum, x) => sum + x, 0) / values.length;
const meanFigures = (all: Figures[]): Figures => ({
  rps: mean(all.map((f) => f.rps)),
  p50: Math.round(mean(all.map((f) => f.p50)) * 100) / 100,
  p99: Math.round(mean(all.map((f) => f.p99)) * 100) / 100,
  cpuUs: mean(all.map((f) => f.cpuUs)),
});

/**
 * One path, floor beside broker, both already listening: a warm-up of each,
 * then `rounds` rounds of a floor turn and a broker turn.
 */
async function benchPath(floor: Target, ours: Target, path: Path, store: string, rows: Row[]) {
  for (const target of [floor, ours]) {
    await probe(target, path.path, path.request, path.answers);
    await load(`${target.url}${path.path}`, path.request, connections, warmupSeconds);
  }
  const floors: Figures[] = [];
  const mine: Figures[] = [];
  for (let round = 0; round < rounds; round++) {
    const f = await turn(floor, path.path, path.request);
    const o = await turn(ours, path.path, path.request);
    log(`${store} ${path.path} round ${round + 1}: ${describe('floor', f)}; ${describe('Latchkey', o)}; ${Math.round((o.rps / f.rps) * 100)} % of the floor's req/s`);
    floors.push(f);
    mine.push(o);
  }
  rows.push({ store, target: path.floorLabel, ...meanFigures(floors) });
  rows.push({
    store,
    target: path.label,
    ...meanFigures(mine),
    versus: { what: 'floor', rps: mine.map((o, i) => o.rps / floors[i]!.rps), cpu: mine.map((o, i) => floors[i]!.cpuUs / o.cpuUs) },
  });
}

/** The hot paths on one store: floor and broker each started once, on stores of their own making (`storeFor`). */
async function benchStore(storeFor: (role: 'floor' | 'latchkey') => StoreSpec, name: string, rows: Row[]) {
  const paths = PATHS.filter((p) => !hotOnly || only.has(p.key));
  const floor = await start({ target: 'floor', store: storeFor('floor') }, `${name}-floor`);
  try {
    const ours = await start({ target: 'latchkey', store: storeFor('latchkey') }, `${name}-latchkey`);
    try {
      for (const path of paths) await benchPath(floor, ours, path, name, rows);
      if (!hotOnly) {
        await probe(ours, '/.well-known/jwks.json', jwks, /"keys"/);
        await load(`${ours.url}/.well-known/jwks.json`, jwks, connections, warmupSeconds);
        const keys = await turn(ours, '/.well-known/jwks.json', jwks);
        log(describe(`${name} jwks`, keys));
        rows.push({ store: name, target: 'Latchkey GET /.well-known/jwks.json', ...keys });
      }
    } finally {
      await ours.stop();
    }
  } finally {
    await floor.stop();
  }
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
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  try {
    log('creating a PGlite database (initdb takes a few seconds)…');
    const seeded = join(folder, 'seeded');
    const storage = await createPgliteStorage({ dataDir: seeded });
    await seed(storage);
    await storage.close();
    // PGlite is owned by one process: floor and broker each open a copy of the seeded database.
    await benchStore(
      (role) => {
        const dataDir = join(folder, role);
        cpSync(seeded, dataDir, { recursive: true });
        return { kind: 'pglite', dataDir };
      },
      'PGlite',
      rows,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  if (hotOnly) return;
  const storage = await createPgliteStorage();
  await benchPasskeys(storage, 'PGlite').finally(() => storage.close());
}

async function postgresStore(rows: Row[]): Promise<string | undefined> {
  const probeClient = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await probeClient.connect();
  } catch (error) {
    return `PostgreSQL skipped: ${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} is unreachable (${(error as Error).message}); set BENCH_DATABASE_URL`;
  } finally {
    await probeClient.end().catch(() => {});
  }
  const schema = `lk_bench_${randomBytes(4).toString('hex')}`;
  if (!passkeysOnly) {
    const storage = await createPostgresStorage({ connectionString: databaseUrl, schema, max: 2 });
    try {
      await seed(storage);
      await storage.query('ANALYZE');
      await benchStore(() => ({ kind: 'postgres', connectionString: databaseUrl, schema, poolSize }), 'PostgreSQL', rows);
    } finally {
      await storage.query(`DROP SCHEMA ${schema} CASCADE`);
      await storage.close();
    }
  }
  if (hotOnly) return undefined;
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

const percent = (x: number) => `${Math.round(x * 100)} %`;
/** The mean of the per-round ratios, and their range when there are several. */
const ratio = (values: number[]) => (values.length > 1 ? `${percent(mean(values))} (${Math.round(Math.min(...values) * 100)}–${percent(Math.max(...values))})` : percent(values[0]!));

function table(rows: Row[]): string {
  const lines = [
    '| store | target | req/s | p50 ms | p99 ms | CPU µs/req | req/s: ours ÷ floor | CPU/req: floor ÷ ours |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const rps = r.versus ? `${ratio(r.versus.rps)}${r.versus.what === 'floor' ? '' : ` of ${r.versus.what}`}` : '';
    const cpu = r.versus ? ratio(r.versus.cpu) : '';
    lines.push(`| ${r.store} | ${r.target} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${Math.round(r.cpuUs)} | ${rps} | ${cpu} |`);
  }
  return lines.join('\n');
}

// The load generator (this process, and wrk) on one core, each target on the other (load.ts).
pin(process.pid, LOAD_CORE);
const rows: Row[] = [];
const notes: string[] = [];
const where = pinned ? `targets on core ${TARGET_CORE}, load on core ${LOAD_CORE}` : 'unpinned';
log(
  `${loadGenerator}, ${seconds} s per turn, ${rounds} rounds (floor, then Latchkey) after ${warmupSeconds} s warm-up of each, ${connections} connections, pool ${poolSize}; ${where}; ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`,
);
if (stores.includes('pglite')) await pgliteStore(rows);
if (stores.includes('postgres')) {
  const skipped = await postgresStore(rows);
  if (skipped) notes.push(skipped);
}
const heading = `${loadGenerator}, ${connections} connections, ${rounds} rounds of ${seconds} s per target (floor, then Latchkey), ${where}; ratios: the mean of the per-round ratios (range):\n`;
if (hotOnly) console.log(`${heading}\n${table(rows)}`);
else if (!passkeysOnly) {
  const ceiling = await start({ target: 'ceiling' }, 'jwks-ceiling');
  try {
    await probe(ceiling, '/.well-known/jwks.json', jwks, /"keys"/);
    await load(`${ceiling.url}/.well-known/jwks.json`, jwks, connections, warmupSeconds);
    const figures = await turn(ceiling, '/.well-known/jwks.json', jwks);
    rows.push({ store: '—', target: 'ceiling: bare Hono JSON key set', ...figures });
    for (const row of rows) if (row.target.includes('jwks.json') && row.store !== '—') row.versus = { what: 'ceiling', rps: [row.rps / figures.rps], cpu: [figures.cpuUs / row.cpuUs] };
  } finally {
    await ceiling.stop();
  }
  console.log(`${heading}\n${table(rows)}`);
}

if (passkeyRows.length > 0) console.log(`\nPasskey ceremony finish, server CPU per finish (${passkeyRows[0]!.count} each, ${passkeyConcurrency} in flight, in-process; PGlite's figure includes its SQL):\n\n${passkeyTable(passkeyRows)}`);
for (const note of notes) console.log(`\n${note}`);
const below = rows.filter((r) => r.versus?.what === 'floor' && mean(r.versus.rps) < 0.75);
if (below.length > 0) console.log(`\nBelow the 75 % target: ${below.map((r) => `${r.store} ${r.target}`).join(', ')}.`);
const slow = passkeyRows.filter((r) => r.brokerUs > 2000);
if (slow.length > 0) console.log(`\nAbove the 2 ms passkey target: ${slow.map((r) => `${r.store} ${r.ceremony}`).join(', ')}.`);
