/**
 * Server time per passkey ceremony finish: the broker's handler CPU for
 * `POST /v1/passkeys` (a registration) and `POST /v1/passkeys/sign-in/verify`
 * (an assertion), called in-process (`app.request`, no HTTP), beside
 * @simplewebauthn/server's own `verifyRegistrationResponse` /
 * `verifyAuthenticationResponse` called directly in the same run on the same
 * inputs — the floor: verification alone, no flow, no SQL, no session.
 *
 * CPU is this process's user + system time (`process.cpuUsage`) over a batch of
 * finishes run a few at a time, divided by the batch; broker and library take
 * turns going first, so drift hits both alike. On PGlite the database runs in
 * this process, so its SQL is in the broker's figure; on PostgreSQL it runs in
 * the server's process and is not. The options calls and the software
 * authenticator's work are prepared before each batch, outside the timing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBroker, type Storage } from '../../packages/broker/src/index.js';
import { hashPassword } from '../../packages/broker/src/modules/password/hash.js';
import { SoftAuthenticator } from '../../packages/broker/src/test/soft-authenticator.js';
import { BROKER_SECRET, ORIGIN, PUBLIC_URL, cpuOfAll } from './shared.js';

/** The @simplewebauthn/server module the broker itself loads (its ESM entry, resolved from the broker package). */
async function loadSimpleWebAuthn(): Promise<typeof import('@simplewebauthn/server')> {
  // Its package.json is not exported: find it above the CommonJS entry, then take the ESM one.
  let dir = dirname(createRequire(new URL('../../packages/broker/package.json', import.meta.url)).resolve('@simplewebauthn/server'));
  const manifest = () => (existsSync(join(dir, 'package.json')) ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; exports?: { '.': { import: string } } }) : {});
  while (manifest().name !== '@simplewebauthn/server') dir = dirname(dir);
  return import(pathToFileURL(join(dir, manifest().exports!['.'].import)).href);
}

export interface PasskeyFigures {
  ceremony: 'registration' | 'authentication';
  /** Mean CPU µs per finish. */
  brokerUs: number;
  libraryUs: number;
  /** Database round trips per finish (statements, BEGIN and COMMIT). */
  roundTrips: number;
  /**
   * CPU µs of one `SELECT 1` round trip to the same database, run the same way: what a
   * round trip costs at least (a statement with parameters and a write costs more).
   */
  roundTripUs: number;
  count: number;
}

/** The storage, counting the round trips the broker makes through it (BEGIN and COMMIT included). */
function countingStorage(storage: Storage) {
  const counter = { roundTrips: 0 };
  const wrap = <D extends Pick<Storage, 'query' | 'exec' | 'transaction'>>(db: D): D => ({
    ...db,
    query: (sql: string, params?: unknown[]) => (counter.roundTrips++, db.query(sql, params)),
    transaction: <T>(fn: (tx: Storage) => Promise<T>) => ((counter.roundTrips += 2), db.transaction((tx) => fn(wrap(tx as Storage)))),
  });
  return { storage: wrap(storage), counter };
}

const RP_ID = new URL(ORIGIN).hostname;

/** Runs both, the library first on odd turns and the broker first on even ones; answers in (library, broker) order. */
async function inTurn<L, B>(turn: number, library: () => Promise<L>, broker: () => Promise<B>): Promise<[L, B]> {
  if (turn % 2) {
    const l = await library();
    return [l, await broker()];
  }
  const b = await broker();
  return [await library(), b];
}

export interface PasskeyBenchOptions {
  /** Measured finishes of each ceremony (default 320). */
  count?: number;
  /** In flight at once (default 8). */
  concurrency?: number;
}

/**
 * Measures `count` finishes of each ceremony, in batches prepared beforehand
 * (options asked, the authenticator's answers made), after one unmeasured batch;
 * broker and library take turns going first. `storage` is migrated and empty (a
 * user and a session are seeded into it).
 */
export async function benchPasskeyFinishes(storage: Storage, options: PasskeyBenchOptions = {}): Promise<PasskeyFigures[]> {
  const concurrency = options.concurrency ?? 8;
  const batch = concurrency * 8;
  const rounds = Math.max(1, Math.round((options.count ?? 320) / batch));
  const count = rounds * batch;
  const { verifyAuthenticationResponse, verifyRegistrationResponse } = await loadSimpleWebAuthn();
  const roomy = { limit: 1_000_000, windowSeconds: 60 };
  const counted = countingStorage(storage);
  const app = createBroker({
    publicUrl: PUBLIC_URL,
    allowedOrigins: [ORIGIN],
    secret: BROKER_SECRET,
    storage: counted.storage,
    mailer: { send: async () => {} },
    signIn: { methods: ['password', 'passkey'] },
    rateLimits: { perIp: roomy },
  });
  const password = 'bench passkeys password 0123456789';
  await storage.query(
    `INSERT INTO users (id, email, email_verified_at, password_hash, name, created_at, updated_at) VALUES ('usr_passkeys', 'passkeys@bench.test', now(), $1, 'Bench', now(), now())`,
    [await hashPassword(password)],
  );

  // One browser: its session cookie (once signed in) and binding cookie (fixed, so requests in flight together share it).
  let session = '';
  const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
  async function send(path: string, json: unknown, status: number) {
    const body = JSON.stringify(json);
    const cookie = `${session ? `lk_session=${session}; ` : ''}lk_flow=${'b'.repeat(43)}`;
    // A browser's fetch sends Content-Length; without it the body-size guard buffers the body to count it.
    const headers = { origin: ORIGIN, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), cookie };
    const response = await app.request(path, { method: 'POST', headers, body }, env);
    const answer = await response.json();
    if (response.status !== status) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
    return { answer, response };
  }
  const post = async (path: string, json: unknown, status: number) => (await send(path, json, status)).answer;
  /** Keeps the session a sign-in answered with, as the browser would. */
  const keepSession = (response: Response) => {
    const set = response.headers.getSetCookie().find((line) => line.startsWith('lk_session='));
    if (!set) throw new Error('the sign-in set no session cookie');
    session = set.slice('lk_session='.length).split(';')[0]!;
  };

  // Adding a passkey needs a recent authentication (step-up, `stepUp.maxAgeSeconds`): the browser signs in
  // with a password, adds its own passkey, and signs in with that passkey again right before each batch
  // of registrations (outside the timing), as a user who just signed in with a passkey adds another.
  keepSession((await send('/v1/sign-in/password', { email: 'passkeys@bench.test', password }, 200)).response);
  const own = new SoftAuthenticator({ origin: ORIGIN });
  const first = await post('/v1/passkeys/options', {}, 200);
  await post('/v1/passkeys', { flow_id: first.flow_id, credential: own.create(first.options) }, 201);
  async function signInRecently() {
    const step = await post('/v1/passkeys/sign-in/options', {}, 200);
    keepSession((await send('/v1/passkeys/sign-in/verify', { flow_id: step.flow_id, credential: own.get(step.options) }, 200)).response);
  }
  const totals = { registration: { broker: 0, library: 0, roundTrips: 0 }, authentication: { broker: 0, library: 0, roundTrips: 0 } };
  /** The broker's batch, its round trips counted. */
  const counting = async (ceremony: keyof typeof totals, run: () => Promise<number>) => {
    const before = counted.counter.roundTrips;
    const us = await run();
    totals[ceremony].roundTrips += counted.counter.roundTrips - before;
    return us;
  };

  // Registrations: a new authenticator each time (one account, many passkeys).
  for (let round = 0; round <= rounds; round++) {
    await signInRecently();
    const prepared = [];
    for (let i = 0; i < batch; i++) {
      const step = await post('/v1/passkeys/options', {}, 200);
      prepared.push({ step, credential: new SoftAuthenticator({ origin: ORIGIN }).create(step.options) });
    }
    const broker = () => counting('registration', () => cpuOfAll(prepared, concurrency, async ({ step, credential }) => void (await post('/v1/passkeys', { flow_id: step.flow_id, credential }, 201))));
    const library = () =>
      cpuOfAll(prepared, concurrency, async ({ step, credential }) => {
        const result = await verifyRegistrationResponse({
          response: credential as never,
          expectedChallenge: step.options.challenge,
          expectedOrigin: [ORIGIN],
          expectedRPID: RP_ID,
          requireUserVerification: true,
          supportedAlgorithmIDs: [-8, -7, -257],
        });
        if (!result.verified) throw new Error('registration: the library did not verify');
      });
    const [libraryUs, brokerUs] = await inTurn(round, library, broker);
    if (round > 0) Object.assign(totals.registration, { broker: totals.registration.broker + brokerUs, library: totals.registration.library + libraryUs });
    else totals.registration.roundTrips = 0;
  }

  // Sign-ins: one device-bound passkey per lane, its counter moving on with each assertion.
  await signInRecently();
  const lanes = [];
  for (let lane = 0; lane < concurrency; lane++) {
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const step = await post('/v1/passkeys/options', {}, 200);
    await post('/v1/passkeys', { flow_id: step.flow_id, credential: authenticator.create(step.options) }, 201);
    lanes.push(authenticator);
  }
  for (let round = 0; round <= rounds; round++) {
    const prepared = [];
    for (let i = 0; i < batch; i++) {
      const authenticator = lanes[i % concurrency]!;
      const key = authenticator.credentials[0]!;
      const step = await post('/v1/passkeys/sign-in/options', {}, 200);
      const counterBefore = key.counter;
      prepared.push({ step, key, counterBefore, assertion: authenticator.get(step.options) });
    }
    const broker = () =>
      counting('authentication', () => cpuOfAll(prepared, concurrency, async ({ step, assertion }) => void (await post('/v1/passkeys/sign-in/verify', { flow_id: step.flow_id, credential: assertion }, 200))));
    const library = () =>
      cpuOfAll(prepared, concurrency, async ({ step, key, counterBefore, assertion }) => {
        const result = await verifyAuthenticationResponse({
          response: assertion as never,
          expectedChallenge: step.options.challenge,
          expectedOrigin: [ORIGIN],
          expectedRPID: RP_ID,
          credential: { id: key.id, publicKey: new Uint8Array(key.publicKey), counter: counterBefore },
          requireUserVerification: true,
        });
        if (!result.verified) throw new Error('authentication: the library did not verify');
      });
    const [libraryUs, brokerUs] = await inTurn(round, library, broker);
    if (round > 0) Object.assign(totals.authentication, { broker: totals.authentication.broker + brokerUs, library: totals.authentication.library + libraryUs });
    else totals.authentication.roundTrips = 0;
  }

  // What one round trip costs by itself here, run the same way.
  const selects = Array.from({ length: batch * 2 }, () => 0);
  await cpuOfAll(selects, concurrency, async () => void (await storage.query('SELECT 1')));
  const roundTripUs = (await cpuOfAll(selects, concurrency, async () => void (await storage.query('SELECT 1')))) / selects.length;

  return (['registration', 'authentication'] as const).map((ceremony) => ({
    ceremony,
    brokerUs: totals[ceremony].broker / count,
    libraryUs: totals[ceremony].library / count,
    roundTrips: totals[ceremony].roundTrips / count,
    roundTripUs,
    count,
  }));
}

/** The figures as a Markdown table; the target is at most 2 ms of broker CPU per finish. */
export function passkeyTable(rows: Array<PasskeyFigures & { store: string }>): string {
  const lines = [
    '| store | ceremony finish | broker CPU µs | @simplewebauthn/server alone µs | ratio | DB round trips | × a bare SELECT 1 µs (lower bound) | ≤ 2 ms |',
    '|---|---|---:|---:|---:|---:|---:|:-:|',
  ];
  for (const r of rows) {
    const what = r.ceremony === 'registration' ? 'registration (POST /v1/passkeys)' : 'authentication (POST /v1/passkeys/sign-in/verify)';
    const trips = `${Math.round(r.roundTrips * r.roundTripUs)} (${r.roundTrips.toFixed(0)} × ${Math.round(r.roundTripUs)})`;
    lines.push(`| ${r.store} | ${what} | ${Math.round(r.brokerUs)} | ${Math.round(r.libraryUs)} | ${(r.brokerUs / r.libraryUs).toFixed(1)}× | ${r.roundTrips.toFixed(1)} | ${trips} | ${r.brokerUs <= 2000 ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}
