/**
 * `pnpm soak`: broker processes on one PostgreSQL database under a steady rate of mixed
 * requests for a long while, to show what a benchmark's few seconds cannot: latency that
 * creeps up, memory that grows, a pool that leaks. Prints p50/p99 per kind of request and
 * each instance's resident memory (RSS) at the start, every minute, and at the end; exits 1
 * if any request failed (anything but the answer its kind expects).
 *
 * The mix, per second at LATCHKEY_SOAK_RATE: 60 % token refreshes (POST /v1/session/token),
 * 30 % GET /v1/session, 10 % password sign-ins of a new browser (argon2id: the costly one),
 * each sent to the next instance in turn, as a round-robin load balancer would.
 *
 * Environment:
 *   LATCHKEY_SOAK_MINUTES (30)    how long, in minutes (fractions allowed: 0.5 is 30 s)
 *   LATCHKEY_SOAK_RATE (30)       requests per second, sent on a fixed schedule (open loop)
 *   LATCHKEY_SOAK_INSTANCES (2)   broker processes
 *   LATCHKEY_SOAK_USERS (40)      accounts signed up first (each a browser with a session)
 *   LATCHKEY_SOAK_PORT            the first instance's port (the next ones follow); default: free ports
 *   SOAK_DATABASE_URL / TEST_DATABASE_URL  PostgreSQL (default postgres://postgres@127.0.0.1:5432/test);
 *                                 a schema of its own, dropped at the end
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresStorage } from '../packages/broker/src/index.js';
import { freePort, httpBrowser, mailedCode, quantile, spawnBroker, withSchema, type HttpBrowser, type SpawnedBroker } from '../packages/broker/src/test/spawned-broker.js';

const minutes = Number(process.env.LATCHKEY_SOAK_MINUTES ?? 30);
const rate = Number(process.env.LATCHKEY_SOAK_RATE ?? 30);
const instances = Number(process.env.LATCHKEY_SOAK_INSTANCES ?? 2);
const userCount = Number(process.env.LATCHKEY_SOAK_USERS ?? 40);
const firstPort = process.env.LATCHKEY_SOAK_PORT ? Number(process.env.LATCHKEY_SOAK_PORT) : undefined;
const databaseUrl = process.env.SOAK_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'correct horse battery staple';

const log = (line: string) => console.log(`soak: ${line}`);


type Kind = 'refresh' | 'session' | 'sign-in';
const EXPECTED: Record<Kind, number> = { refresh: 200, session: 200, 'sign-in': 200 };

interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
}

function pickKind(): Kind {
  const r = Math.random();
  return r < 0.6 ? 'refresh' : r < 0.9 ? 'session' : 'sign-in';
}

const schema = `lk_soak_${randomBytes(6).toString('hex')}`;
const storage = await createPostgresStorage({ connectionString: databaseUrl, schema, max: 2 });
const brokers: SpawnedBroker[] = [];
let failed = 0;
try {
  for (let i = 0; i < instances; i++) {
    const port = firstPort ? firstPort + i : await freePort();
    brokers.push(await spawnBroker({ name: `soak-${i}`, port, databaseUrl: withSchema(databaseUrl, schema) }));
  }
  log(`${instances} instance(s) on PostgreSQL (schema ${schema}), ${rate} req/s for ${minutes} min`);

  // Accounts, each signed up and verified in a browser of its own (a session to refresh).
  const users: Array<{ email: string; browser: HttpBrowser }> = [];
  await Promise.all(
    Array.from({ length: userCount }, async (_, i) => {
      const email = `soak-${i}@example.test`;
      const browser = httpBrowser(`10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`);
      const broker = brokers[i % brokers.length]!;
      const started = await browser.post(broker, '/v1/sign-up', { email, password: PASSWORD });
      if (started.status !== 202) throw new Error(`sign-up of ${email}: ${started.status} ${JSON.stringify(started.body)}`);
      const done = await browser.post(broker, '/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await mailedCode(broker, email) });
      if (done.status !== 201) throw new Error(`verify of ${email}: ${done.status} ${JSON.stringify(done.body)}`);
      users.push({ email, browser });
    }),
  );

  const rss = () => brokers.map((b) => `${b.name} ${b.rssMiB().toFixed(1)} MiB`).join(', ');
  const rssAtStart = rss();
  log(`${users.length} accounts signed up; RSS at start: ${rssAtStart}`);

  let signIns = 0;
  async function one(kind: Kind, broker: SpawnedBroker): Promise<Sample> {
    const user = users[Math.floor(Math.random() * users.length)]!;
    const started = performance.now();
    try {
      const answer =
        kind === 'refresh'
          ? await user.browser.post(broker, '/v1/session/token')
          : kind === 'session'
            ? await user.browser.get(broker, '/v1/session')
            : await httpBrowser(`10.10.${Math.floor(signIns / 250) % 250}.${(signIns++ % 250) + 1}`).post(broker, '/v1/sign-in/password', { email: user.email, password: PASSWORD });
      const ok = answer.status === EXPECTED[kind];
      if (!ok && failed++ < 10) log(`${kind} at ${broker.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return { kind, ms: answer.ms, ok };
    } catch (error) {
      // fetch's own message ("fetch failed") says little: its cause names the socket error.
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      if (failed++ < 10) log(`${kind} at ${broker.name}: ${(error as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
      return { kind, ms: performance.now() - started, ok: false };
    }
  }

  const table = (samples: Sample[]) =>
    (['refresh', 'session', 'sign-in'] as const)
      .map((kind) => {
        const ms = samples.filter((s) => s.kind === kind).map((s) => s.ms);
        const errors = samples.filter((s) => s.kind === kind && !s.ok).length;
        return `${kind} n=${ms.length} p50=${quantile(ms, 0.5).toFixed(1)}ms p99=${quantile(ms, 0.99).toFixed(1)}ms errors=${errors}`;
      })
      .join(' | ');

  // Open loop: request n leaves at start + n/rate whatever the answers before it did, so a slow
  // broker shows up as latency instead of quietly lowering the rate.
  const all: Sample[] = [];
  let minute: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const end = start + minutes * 60_000;
  let nextReport = start + 60_000;
  for (let n = 0; ; n++) {
    const at = start + (n * 1000) / rate;
    if (at >= end) break;
    const wait = at - performance.now();
    if (wait > 0) await sleep(wait);
    const sending = one(pickKind(), brokers[n % brokers.length]!).then((sample) => {
      all.push(sample);
      minute.push(sample);
      inFlight.delete(sending);
    });
    inFlight.add(sending);
    if (performance.now() >= nextReport) {
      log(`minute ${Math.round((nextReport - start) / 60_000)}: ${table(minute)}; RSS ${rss()}`);
      minute = [];
      nextReport += 60_000;
    }
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  const overall = all.map((s) => s.ms);
  log(`done: ${all.length} requests in ${seconds.toFixed(0)} s (${(all.length / seconds).toFixed(1)} req/s), ${failed} failed`);
  log(`latency, all kinds: p50=${quantile(overall, 0.5).toFixed(1)}ms p99=${quantile(overall, 0.99).toFixed(1)}ms`);
  log(`latency by kind: ${table(all)}`);
  log(`RSS at start: ${rssAtStart}`);
  log(`RSS at end:   ${rss()}`);
} finally {
  await Promise.all(brokers.map((b) => b.stop()));
  await storage.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
  await storage.close();
}
process.exit(failed ? 1 : 0);
