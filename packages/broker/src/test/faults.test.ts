import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, timeStepOf, totpCode } from '../modules/mfa/totp.js';
import { createPostgresStorage } from '../storage/postgres.js';
import type { Storage } from '../storage/storage.js';
import { openTestStorage } from './harness.js';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { SoftAuthenticator } from './soft-authenticator.js';
import { freePort, httpBrowser, mailedCode, spawnBroker, withSchema, type Answer, type HttpBrowser, type SpawnedBroker } from './spawned-broker.js';

/**
 * Faults, with real broker processes on loopback (issue 26 §6): an instance killed with
 * SIGKILL in the middle of flows, whose other instance finishes them; and the database
 * restarted under load, which the brokers answer with a retryable 503 (never a 500, never a
 * hang) and get over by themselves, losing no write they acknowledged.
 *
 * Real processes, because SIGKILL is the point (no drain, no flush, nothing in memory kept),
 * and a private PostgreSQL cluster for the restart, because the shared server is every other
 * test's.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) console.warn('faults.test.ts skipped: TEST_DATABASE_URL is unset (broker processes on PostgreSQL; CI sets it).');
const bin = postgresBinaries();
if (databaseUrl && !bin) console.warn('faults.test.ts: the database restart is skipped: no PostgreSQL server binaries (initdb, pg_ctl) on this machine; set PG_BINDIR.');

const PASSWORD = 'correct horse battery staple';
const METHODS = 'password,email-code,passkey';


let addresses = 0;
const nextIp = () => `198.51.${100 + Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

/** The authenticator app's code at `step` steps from now. */
const appCode = (secret: string, drift = 0) => totpCode(base32Decode(secret), timeStepOf(new Date()) + drift);

describe.skipIf(!databaseUrl)('an instance killed with SIGKILL mid-flow: the other instance finishes its flows', () => {
  let storage: Awaited<ReturnType<typeof openTestStorage>>;
  let a: SpawnedBroker;
  let b: SpawnedBroker;

  beforeAll(async () => {
    storage = await openTestStorage('postgres');
    const { schema } = (await storage.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]!;
    const url = withSchema(databaseUrl!, schema);
    const env = { LATCHKEY_SIGN_IN_METHODS: METHODS };
    [a, b] = await Promise.all([spawnBroker({ name: 'A', port: await freePort(), databaseUrl: url, env }), spawnBroker({ name: 'B', port: await freePort(), databaseUrl: url, env })]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await storage?.drop();
  });

  it('sign-ups, an email-code sign-in, passkey ceremonies and an MFA step started on A finish on B after A is killed; A’s sessions live on', { timeout: 60_000 }, async () => {
    // Accounts made beforehand: one with a passkey, one with an authenticator app.
    const pia = new SoftAuthenticator();
    {
      const joining = httpBrowser(nextIp());
      const started = await joining.post(a, '/v1/sign-up', { email: 'pia@example.test' });
      const verified = await joining.post(a, '/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await mailedCode(a, 'pia@example.test') });
      expect((await joining.post(a, '/v1/sign-up/passkey', { flow_id: verified.body.flow_id, credential: pia.create(verified.body.options) })).status).toBe(201);
    }
    const ada = httpBrowser(nextIp());
    const adaUp = await ada.post(a, '/v1/sign-up', { email: 'ada@example.test', password: PASSWORD });
    expect((await ada.post(a, '/v1/sign-up/verify', { flow_id: adaUp.body.flow_id, code: await mailedCode(a, 'ada@example.test') })).status).toBe(201);
    const enrolment = await ada.post(a, '/v1/mfa/totp');
    // Confirmed with the previous step's code (one step of drift is allowed), so the current one is fresh for the sign-in below.
    const confirmed = await ada.post(a, '/v1/mfa/totp/confirm', { enrollment_id: enrolment.body.enrollment_id, code: appCode(enrolment.body.secret, -1) });
    expect(confirmed.status).toBe(201);

    // On A: everything started, nothing finished.
    const signingUp = httpBrowser(nextIp());
    const signUp = await signingUp.post(a, '/v1/sign-up', { email: 'sam@example.test', password: PASSWORD });
    expect(signUp.status).toBe(202);
    const passkeyFirst = httpBrowser(nextIp());
    const keyUp = await passkeyFirst.post(a, '/v1/sign-up', { email: 'kim@example.test' });
    const keyOptions = await passkeyFirst.post(a, '/v1/sign-up/verify', { flow_id: keyUp.body.flow_id, code: await mailedCode(a, 'kim@example.test') });
    expect(keyOptions.status).toBe(200);
    const byCode = httpBrowser(nextIp());
    const codeSignIn = await byCode.post(a, '/v1/sign-in/email-code', { email: 'ada@example.test' });
    expect(codeSignIn.body).toMatchObject({ step: 'email-code' });
    const byPasskey = httpBrowser(nextIp());
    const challenge = await byPasskey.post(a, '/v1/passkeys/sign-in/options', {});
    expect(challenge.status).toBe(200);
    const secondFactor = httpBrowser(nextIp());
    const waiting = await secondFactor.post(a, '/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD });
    expect(waiting.body).toMatchObject({ step: 'mfa' });
    // The codes have left A's mail queue (the user has them in hand). A mail still queued in a
    // killed process is lost with it: the user asks for another (POST /v1/email-code/resend).
    const samCode = await mailedCode(b, 'sam@example.test');
    const adaCode = await mailedCode(b, 'ada@example.test', { after: 1 });

    // Sign-ins in flight at A when it dies: their connections break; none may leave a session half made.
    const inFlight = Array.from({ length: 6 }, () => httpBrowser(nextIp()).post(a, '/v1/sign-in/password', { email: 'ada@example.test', password: PASSWORD }).catch((e: Error) => e));
    await a.kill();
    await Promise.all(inFlight);
    expect((await fetch(`${a.url}/health`).catch(() => 'refused')) as unknown).toBe('refused');

    // On B, the load balancer's only instance now: each flow finishes.
    expect((await signingUp.post(b, '/v1/sign-up/verify', { flow_id: signUp.body.flow_id, code: samCode })).status).toBe(201);
    expect((await passkeyFirst.post(b, '/v1/sign-up/passkey', { flow_id: keyOptions.body.flow_id, credential: new SoftAuthenticator().create(keyOptions.body.options) })).status).toBe(201);
    expect((await byCode.post(b, '/v1/sign-in/email-code/verify', { flow_id: codeSignIn.body.flow_id, code: adaCode })).body).toMatchObject({ step: 'mfa' });
    const passkeyDone = await byPasskey.post(b, '/v1/passkeys/sign-in/verify', { flow_id: challenge.body.flow_id, credential: pia.get(challenge.body.options) });
    expect(passkeyDone.body).toMatchObject({ step: 'done', user: { email: 'pia@example.test' } });
    const mfaDone = await secondFactor.post(b, '/v1/sign-in/mfa', { flow_id: waiting.body.flow_id, method: 'totp', code: appCode(enrolment.body.secret) });
    expect(mfaDone.body).toMatchObject({ step: 'done', session: { amr: expect.arrayContaining(['pwd', 'otp', 'mfa']) } });

    // Sessions A opened are good at B: the cookie, the token refresh.
    expect((await ada.get(b, '/v1/session')).body).toMatchObject({ user: { email: 'ada@example.test' } });
    expect((await ada.post(b, '/v1/session/token')).status).toBe(200);
    for (const browser of [signingUp, passkeyFirst, byPasskey, secondFactor]) expect((await browser.get(b, '/v1/session')).status).toBe(200);

    const users = await storage.query<{ email: string }>('SELECT email FROM users ORDER BY email');
    expect(users.map((u) => u.email)).toEqual(['ada@example.test', 'kim@example.test', 'pia@example.test', 'sam@example.test']);
    expect(b.process.exitCode).toBeNull();
  });
});

describe.skipIf(!databaseUrl || !bin)('PostgreSQL restarted under load', () => {
  let postgres: PrivatePostgres;
  let storage: Storage;
  let brokers: SpawnedBroker[];

  beforeAll(async () => {
    postgres = await startPrivatePostgres(bin!, await freePort());
    storage = await createPostgresStorage({ connectionString: postgres.url, max: 2 });
    // A code mail lost in the outage is asked for again at once (the default makes a person wait 30 s).
    const config = { codes: { resendAfterSeconds: 0 } };
    brokers = await Promise.all(['A', 'B'].map(async (name) => spawnBroker({ name, port: await freePort(), databaseUrl: postgres.url, config })));
  }, 90_000);
  afterAll(async () => {
    await Promise.all((brokers ?? []).map((b) => b.stop()));
    await storage?.close();
    await postgres?.destroy();
  });

  it('answers 503 service_unavailable with Retry-After (never a 500 or a hang) while it is down, recovers by itself, and loses no acknowledged write', { timeout: 120_000 }, async () => {
    const [a, b] = brokers as [SpawnedBroker, SpawnedBroker];
    // Accounts signed in beforehand, whose sessions the load refreshes and reads.
    const accounts = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const email = `user${i}@example.test`;
        const browser = httpBrowser(nextIp());
        const broker = brokers[i % 2]!;
        const started = await browser.post(broker, '/v1/sign-up', { email, password: PASSWORD });
        expect((await browser.post(broker, '/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await mailedCode(broker, email) })).status).toBe(201);
        return { email, browser };
      }),
    );
    const sessionsBefore = (await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n;

    type Kind = 'sign-in' | 'sign-up' | 'refresh' | 'session';
    interface Outcome {
      kind: Kind;
      /** When it was sent (performance.now()). */
      at: number;
      answer?: Answer;
      error?: string;
    }
    const outcomes: Outcome[] = [];
    const signedIn: HttpBrowser[] = [];
    const signingUp: Array<{ browser: HttpBrowser; email: string; flowId: string; broker: SpawnedBroker }> = [];
    let signUps = 0;
    // A hang is a request unanswered for 10 s: a restart here takes about a second.
    const timeoutMs = 10_000;

    async function one(kind: Kind, broker: SpawnedBroker) {
      const at = performance.now();
      const account = accounts[Math.floor(Math.random() * accounts.length)]!;
      try {
        if (kind === 'sign-in') {
          const browser = httpBrowser(nextIp());
          const answer = await browser.post(broker, '/v1/sign-in/password', { email: account.email, password: PASSWORD }, { timeoutMs });
          if (answer.status === 200) signedIn.push(browser);
          outcomes.push({ kind, at, answer });
        } else if (kind === 'sign-up') {
          const browser = httpBrowser(nextIp());
          const email = `new${signUps++}@example.test`;
          const answer = await browser.post(broker, '/v1/sign-up', { email, password: PASSWORD }, { timeoutMs });
          if (answer.status === 202) signingUp.push({ browser, email, flowId: answer.body.flow_id, broker });
          outcomes.push({ kind, at, answer });
        } else {
          const answer = kind === 'refresh' ? await account.browser.post(broker, '/v1/session/token', {}, { timeoutMs }) : await account.browser.get(broker, '/v1/session', { timeoutMs });
          outcomes.push({ kind, at, answer });
        }
      } catch (error) {
        outcomes.push({ kind, at, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }

    // Six simulated clients, each sending its next request when the last is answered.
    let loading = true;
    const kinds: Kind[] = ['refresh', 'session', 'refresh', 'sign-in', 'session', 'sign-up'];
    const clients = Array.from({ length: 6 }, async (_, c) => {
      for (let n = 0; loading; n++) {
        await one(kinds[(n + c) % kinds.length]!, brokers[(n + c) % 2]!);
        await sleep(5);
      }
    });
    await sleep(1_000);
    await postgres.restart('fast');
    await sleep(1_500);
    // A crash this time: connections cut with no goodbye, the WAL replayed at start.
    await postgres.restart('immediate');
    const restarted = performance.now();
    await sleep(2_500);
    loading = false;
    await Promise.all(clients);

    // Every request was answered: as it would be without the restart, or with the retryable 503.
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    const expected: Record<Kind, number> = { 'sign-in': 200, 'sign-up': 202, refresh: 200, session: 200 };
    const refused = outcomes.filter((o) => o.answer!.status !== expected[o.kind]);
    for (const { answer } of refused) {
      expect([answer!.status, answer!.headers.get('content-type'), answer!.body?.type, answer!.headers.get('retry-after')]).toEqual([
        503,
        'application/problem+json',
        'urn:latchkey:problem:service_unavailable',
        '1',
      ]);
    }
    // The restarts fell on the load (or this test proves nothing)…
    expect(refused.length).toBeGreaterThan(0);
    // …and a second after the server is back, with no help, the pools have reconnected: nothing refused under load.
    const after = outcomes.filter((o) => o.at > restarted + 1_000);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((o) => o.answer!.status !== expected[o.kind])).toEqual([]);

    // Afterwards every kind of request succeeds at both instances, with no help: the pools reconnected.
    for (const broker of [a, b]) {
      expect((await accounts[0]!.browser.post(broker, '/v1/session/token')).status).toBe(200);
      expect((await accounts[1]!.browser.get(broker, '/v1/session')).status).toBe(200);
      expect((await httpBrowser(nextIp()).post(broker, '/v1/sign-in/password', { email: accounts[2]!.email, password: PASSWORD })).status).toBe(200);
      expect((await fetch(`${broker.url}/ready`)).status).toBe(200);
      expect(broker.process.exitCode).toBeNull();
    }

    // Nothing acknowledged was lost: every session answered 200 is there, every sign-up answered 202 finishes.
    for (const browser of signedIn) expect((await browser.get(a, '/v1/session')).status).toBe(200);
    await Promise.all(
      signingUp.map(async ({ browser, email, flowId, broker }) => {
        // A code mail that left during the outage went to the dev outbox's table and failed with it: ask again.
        const code = await mailedCode(broker, email, { timeoutMs: 3_000 }).catch(async () => {
          expect((await browser.post(broker, '/v1/email-code/resend', { flow_id: flowId })).status).toBe(202);
          return mailedCode(broker, email);
        });
        expect((await browser.post(broker, '/v1/sign-up/verify', { flow_id: flowId, code })).status).toBe(201);
      }),
    );
    const users = (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE email LIKE 'new%'`))[0]!.n;
    expect(users).toBe(signingUp.length);
    // Sessions: at least every one acknowledged; at most those plus the sign-ins answered 503 (a COMMIT cut off may have landed).
    const sessions = (await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions'))[0]!.n - sessionsBefore;
    const acknowledged = signedIn.length + signingUp.length + 2;
    const unsure = refused.filter((o) => o.kind === 'sign-in').length;
    expect(sessions).toBeGreaterThanOrEqual(acknowledged);
    expect(sessions).toBeLessThanOrEqual(acknowledged + unsure);
    console.log(`faults: ${outcomes.length} requests under two restarts, ${refused.length} answered 503 service_unavailable, ${signedIn.length} sign-ins and ${signingUp.length} sign-ups acknowledged`);
  });
});
