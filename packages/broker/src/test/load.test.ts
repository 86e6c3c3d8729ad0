import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage } from './harness.js';
import type { Storage } from '../storage/storage.js';
import { freePort, httpBrowser, quantile, spawnBroker, withSchema, type SpawnedBroker } from './spawned-broker.js';

/**
 * Load (issue 26 §6): a thousand people sign up and sign in, spread over two broker
 * processes on one PostgreSQL database, many at once, and the database ends with exactly
 * what they did: a thousand accounts, no address twice, two sessions each (the one the
 * sign-up opened, the one the sign-in opened), every one of them good.
 *
 * Two real processes rather than two in-process brokers: each has its own event loop,
 * pool and memory, as behind a real load balancer, and nothing one keeps in memory can
 * help the other. Every step is the real one through the sign-in engine: a sign-up with a
 * password (hashed with argon2id) confirmed by the code mailed, then a sign-in with a
 * code mailed (cheaper on two cores than a second argon2id per person, and as real). Each
 * person's steps alternate between the instances: a flow starts on one and finishes on the
 * other, and the session is read at the instance that did not open it.
 */
const databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) console.warn('load.test.ts skipped: TEST_DATABASE_URL is unset (two broker processes need one PostgreSQL server; CI sets it).');

const PEOPLE = 1_000;
/** People signing up at once: enough to keep both instances busy on two cores while each waits for its mail. */
const AT_ONCE = 48;
const PASSWORD = 'correct horse battery staple';

/**
 * The thousand mailboxes, read as people read theirs: the codes the brokers mailed (the dev
 * outbox), fetched for everyone at once every 100 ms rather than by a thousand pollers.
 */
function mailboxes(storage: Storage) {
  /** The addresses someone is waiting on, and how many mails each needs. */
  const waiting = new Map<string, number>();
  const received = new Map<string, string[]>();
  let reading: Promise<void> | undefined;
  async function read() {
    while (waiting.size > 0) {
      // By address, not "since the last one read": inserts commit out of their sequence order.
      const rows = await storage.query<{ recipient: string; body_text: string }>('SELECT recipient, body_text FROM mail_outbox WHERE recipient = ANY($1) ORDER BY seq', [[...waiting.keys()]]);
      const codes = new Map<string, string[]>();
      for (const row of rows) {
        const code = /\b(\d{6})\b/.exec(row.body_text)?.[1];
        if (code) codes.set(row.recipient, [...(codes.get(row.recipient) ?? []), code]);
      }
      for (const [to, list] of codes) received.set(to, list);
      await sleep(100);
    }
    reading = undefined;
  }
  return {
    /** The `nth` code (1 for the first) mailed to `to`, once it has arrived. */
    async code(to: string, nth: number): Promise<string> {
      const deadline = Date.now() + 30_000;
      while ((received.get(to)?.length ?? 0) < nth) {
        if (Date.now() > deadline) throw new Error(`mail ${nth} to ${to} did not arrive in 30 s`);
        waiting.set(to, nth);
        // A failed read (the schema dropped after a failed test) stops the reader; the waiter times out and says so.
        reading ??= read().catch(() => void (reading = undefined));
        await sleep(50);
      }
      waiting.delete(to);
      return received.get(to)![nth - 1]!;
    },
  };
}


describe.skipIf(!databaseUrl)('a thousand sign-ups and sign-ins over two broker processes on one PostgreSQL', () => {
  let storage: Awaited<ReturnType<typeof openTestStorage>>;
  let brokers: SpawnedBroker[];

  beforeAll(async () => {
    storage = await openTestStorage('postgres');
    const { schema } = (await storage.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]!;
    brokers = await Promise.all(['A', 'B'].map(async (name) => spawnBroker({ name, port: await freePort(), databaseUrl: withSchema(databaseUrl!, schema) })));
  }, 90_000);
  afterAll(async () => {
    await Promise.all((brokers ?? []).map((b) => b.stop()));
    await storage?.drop();
  });

  it('ends with exactly 1,000 accounts, no address twice, each signed in, and every session counted', { timeout: 240_000 }, async () => {
    const failures: string[] = [];
    const timings = { signUp: [] as number[], verify: [] as number[], signIn: [] as number[] };
    const signedIn: Array<{ email: string; browser: ReturnType<typeof httpBrowser>; elsewhere: SpawnedBroker }> = [];
    const mail = mailboxes(storage);

    async function person(i: number) {
      const email = `person${i}@example.test`;
      const [first, other] = i % 2 ? [brokers[1]!, brokers[0]!] : [brokers[0]!, brokers[1]!];
      // Each browser its own client address, so no per-address budget is shared.
      const joining = httpBrowser(`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
      const started = await joining.post(first, '/v1/sign-up', { email, password: PASSWORD });
      timings.signUp.push(started.ms);
      if (started.status !== 202) return void failures.push(`${email} sign-up: ${started.status} ${JSON.stringify(started.body)}`);
      const verified = await joining.post(other, '/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await mail.code(email, 1) });
      timings.verify.push(verified.ms);
      if (verified.status !== 201) return void failures.push(`${email} verify: ${verified.status} ${JSON.stringify(verified.body)}`);
      const returning = httpBrowser(`10.2.${Math.floor(i / 250)}.${(i % 250) + 1}`);
      const asked = await returning.post(first, '/v1/sign-in/email-code', { email });
      if (asked.status !== 202) return void failures.push(`${email} sign-in: ${asked.status} ${JSON.stringify(asked.body)}`);
      const signIn = await returning.post(other, '/v1/sign-in/email-code/verify', { flow_id: asked.body.flow_id, code: await mail.code(email, 2) });
      timings.signIn.push(asked.ms + signIn.ms);
      if (signIn.status !== 200 || signIn.body.step !== 'done') return void failures.push(`${email} sign-in: ${signIn.status} ${JSON.stringify(signIn.body)}`);
      signedIn.push({ email, browser: returning, elsewhere: first });
    }

    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        while (next < PEOPLE) await person(next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const brokerCpu = brokers.map((b) => b.cpuSeconds());
    expect(failures).toEqual([]);

    // Each sign-in's session is good at the instance that did not open it.
    const sessionReads: string[] = [];
    for (let i = 0; i < signedIn.length; i += AT_ONCE) {
      const batch = signedIn.slice(i, i + AT_ONCE).map(async ({ browser, elsewhere }) => (await browser.get(elsewhere, '/v1/session')).body?.user?.email as string);
      sessionReads.push(...(await Promise.all(batch)));
    }
    expect(sessionReads.sort()).toEqual(signedIn.map((s) => s.email).sort());

    // The rows: exactly what the thousand people did, nothing lost and nothing twice.
    const [users] = await storage.query<{ n: number; emails: number; verified: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT lower(email))::int AS emails, count(email_verified_at)::int AS verified FROM users',
    );
    expect(users).toEqual({ n: PEOPLE, emails: PEOPLE, verified: PEOPLE });
    const [sessions] = await storage.query<{ n: number; distinct_ids: number }>('SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids FROM sessions');
    expect(sessions).toEqual({ n: 2 * PEOPLE, distinct_ids: 2 * PEOPLE });
    // Two per person: the sign-up's and the sign-in's; none of nobody's.
    const perUser = await storage.query<{ sessions: number; users: number }>(
      'SELECT s.n AS sessions, count(*)::int AS users FROM (SELECT u.id, count(x.id)::int AS n FROM users u LEFT JOIN sessions x ON x.user_id = u.id GROUP BY u.id) s GROUP BY s.n',
    );
    expect(perUser).toEqual([{ sessions: 2, users: PEOPLE }]);
    expect((await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE user_id NOT IN (SELECT id FROM users)'))[0]!.n).toBe(0);

    const ms = (values: number[]) => `p50 ${quantile(values, 0.5).toFixed(0)} ms, p99 ${quantile(values, 0.99).toFixed(0)} ms`;
    console.log(
      `load: ${PEOPLE} sign-ups and sign-ins over 2 instances, ${AT_ONCE} at once, in ${seconds.toFixed(1)} s; the brokers' CPU ${brokerCpu.map((s) => `${s.toFixed(1)} s`).join(' + ')} ` +
        `(sign-up ${ms(timings.signUp)}; verify ${ms(timings.verify)}; sign-in ${ms(timings.signIn)})`,
    );
  });
});
