import { describe, expect, it } from 'vitest';
import { storageKinds, testBroker, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device
 * Cookies"): a stranger from any number of addresses can spend every budget an
 * account has, yet the owner's own browser keeps its way in.
 */
const ADA = 'ada@example.com';
const BOB = 'bob@example.com';
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new battery staple';
const HOUR = 3_600_000;

describe.each(storageKinds)('device cookies on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp(ADA, PASSWORD);
    b.cookies.clear();
  });
  type Browser = ReturnType<TestBroker['browser']>;
  let strangers = 0;
  /** A stranger's browser on an address of its own: a botnet has as many as it likes. */
  const stranger = (b: TestBroker = t.broker) => b.browser({ ip: `198.51.${100 + Math.floor(++strangers / 250)}.${strangers % 250}` });

  const signIn = (browser: Browser, password = PASSWORD, email = ADA) => browser.post('/v1/sign-in/password', { email, password });

  /** The owner's browser, signed in once: it holds the device cookie for ada. */
  async function ownersBrowser(b: TestBroker = t.broker) {
    const owner = b.browser({ ip: '203.0.113.99' });
    expect((await signIn(owner)).status).toBe(200);
    expect(owner.cookies.get('lk_device')).toMatch(/^[\w-]{22}\.\d+\.[\w-]{43}$/);
    return owner;
  }

  /** Wrong passwords for ada, three from each new address (no backoff to wait), until the per-account budget refuses. */
  async function spendPasswordBudget(b: TestBroker = t.broker) {
    let compared = 0;
    for (let address = 0; address < 40; address++) {
      const from = stranger(b);
      for (let i = 0; i < 3; i++) {
        const answer = await signIn(from, `guess ${address}.${i}`);
        if (answer.status === 401) compared++;
        else {
          expect(answer.status).toBe(429);
          return compared;
        }
      }
    }
    throw new Error('the per-account password budget never refused');
  }

  /** Wrong codes in the stranger's own flows (five each, each from a new address), until the per-account code budget refuses. */
  async function spendCodeBudget(b: TestBroker = t.broker) {
    let wrong = 0;
    for (let flow = 0; flow < 10; flow++) {
      const from = stranger(b);
      const started = await from.post('/v1/sign-in/email-code', { email: ADA });
      expect(started.status).toBe(202);
      for (let i = 0; i < 5; i++) {
        const answer = await from.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: String(100000 + flow * 10 + i) });
        if (answer.status === 429) return wrong;
        wrong++;
      }
    }
    throw new Error('the per-account code budget never refused');
  }

  /** Password-reset mail to ada from new addresses until the per-address mail budget refuses. */
  async function spendMailBudget(b: TestBroker = t.broker) {
    for (let i = 0; i < 20; i++) {
      const answer = await stranger(b).post('/v1/password-reset', { email: ADA });
      if (answer.status === 429) return;
      expect(answer.status).toBe(202);
    }
    throw new Error('the mail budget never refused');
  }

  it("keeps the owner's browser signing in after a stranger from forty addresses spent every per-account budget, on either of two instances", async () => {
    // Two instances on one database, as in production: the stranger spreads over both, the owner comes back through the other one.
    const second = testBroker(t.storage, { clock: t.broker.clock });
    const signedInOnFirst = await ownersBrowser();
    expect(await spendPasswordBudget(second)).toBe(100);
    expect(await spendCodeBudget(t.broker)).toBe(30);
    await spendMailBudget(second);
    const owner = second.browser({ ip: signedInOnFirst.ip });
    for (const [name, value] of signedInOnFirst.cookies) owner.cookies.set(name, value);

    // The right password, from the owner's browser.
    const signedIn = await signIn(owner);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.step).toBe('done');

    // An emailed code: mailed, and a typo in the owner's own flow costs the device, not the spent account budget.
    const mailed = await second.outbox(ADA);
    const started = await owner.post('/v1/sign-in/email-code', { email: ADA });
    expect(started.status).toBe(202);
    expect((await second.outbox(ADA)).length).toBe(mailed.length + 1);
    const code = await second.lastCode(ADA);
    const typo = await owner.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: code === '000000' ? '111111' : '000000' });
    expect(typo.status).toBe(400);
    expect(typo.body.code).toBe('invalid_code');
    const byCode = await owner.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code });
    expect(byCode.status).toBe(200);
    expect(byCode.body.session.amr).toEqual(['email']);

    // A password reset, start to finish, and the new password signs in.
    const reset = await owner.post('/v1/password-reset', { email: ADA });
    expect(reset.status).toBe(202);
    expect((await second.outbox(ADA)).length).toBe(mailed.length + 2);
    const finished = await owner.post('/v1/password-reset/finish', { flow_id: reset.body.flow_id, code: await second.lastCode(ADA), password: NEW_PASSWORD });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ step: 'password', notice: 'password-reset' });
    expect((await signIn(owner, NEW_PASSWORD)).status).toBe(200);
    // The reset's notice ("Your password was changed") lands now, not after the code mailed below.
    await second.deps.mail.settled();

    // The rule, documented: a browser that never signed in (even on the owner's own address) waits with the strangers.
    const newLaptop = t.broker.browser({ ip: owner.ip });
    expect((await signIn(newLaptop, NEW_PASSWORD)).status).toBe(429);
    expect((await newLaptop.post('/v1/sign-in/email-code', { email: ADA })).status).toBe(429);
    expect((await newLaptop.post('/v1/password-reset', { email: ADA })).status).toBe(429);

    // Once the budgets' windows have passed (the code budget's is a day), every browser gets in again.
    t.broker.clock.advance(24 * HOUR);
    const laptopSignedIn = await signIn(newLaptop, NEW_PASSWORD);
    expect(laptopSignedIn.status).toBe(200);
    const laptopCode = await newLaptop.post('/v1/sign-in/email-code', { email: ADA });
    expect(laptopCode.status).toBe(202);
    expect((await newLaptop.post('/v1/sign-in/email-code/verify', { flow_id: laptopCode.body.flow_id, code: await t.broker.lastCode(ADA) })).status).toBe(200);
    expect((await stranger().post('/v1/password-reset', { email: ADA })).status).toBe(202);
    await second.deps.mail.settled();
  });

  it('gives no trust to a forged, tampered, expired or other account’s device cookie', async () => {
    const owner = await ownersBrowser();
    await t.broker.signUp(BOB, PASSWORD);
    const bobs = t.broker.browser({ ip: '203.0.113.50' });
    expect((await signIn(bobs, PASSWORD, BOB)).status).toBe(200);
    expect(await spendPasswordBudget()).toBe(100);

    const genuine = owner.cookies.get('lk_device')!;
    const [nonce, issuedAt, mac] = genuine.split('.') as [string, string, string];
    const flip = (text: string) => `${text.slice(0, 5)}${text[5] === 'A' ? 'B' : 'A'}${text.slice(6)}`;
    const presented = {
      forged: `${'n'.repeat(22)}.${issuedAt}.${'m'.repeat(43)}`,
      'tampered mac': `${nonce}.${issuedAt}.${flip(mac)}`,
      'tampered nonce': `${flip(nonce)}.${issuedAt}.${mac}`,
      'tampered issue time': `${nonce}.${Number(issuedAt) + 3600}.${mac}`,
      "bob's": bobs.cookies.get('lk_device')!,
    };
    for (const [what, value] of Object.entries(presented)) {
      const holder = t.broker.browser({ ip: owner.ip });
      holder.cookies.set('lk_device', value);
      expect((await signIn(holder)).status, what).toBe(429);
    }
    // Bob's cookie is good for Bob: his own budget is untouched by ada's strangers anyway, and he gets in.
    expect((await signIn(bobs, PASSWORD, BOB)).status).toBe(200);
    // The genuine one, from anywhere it was carried, is trusted.
    const carried = t.broker.browser({ ip: '192.0.2.1' });
    carried.cookies.set('lk_device', genuine);
    expect((await signIn(carried)).status).toBe(200);
  });

  it('gives no trust to a device cookie past its lifetime', async () => {
    const b = testBroker(t.storage, { deviceCookie: { maxAgeSeconds: 3600 }, rateLimits: { passwordPerAccount: { limit: 100, windowSeconds: 86_400 } } });
    const issued = (await ownersBrowser(b)).cookies.get('lk_device')!;
    expect(await spendPasswordBudget(b)).toBe(100);
    const holding = () => {
      const browser = b.browser({ ip: '203.0.113.99' });
      browser.cookies.set('lk_device', issued);
      return browser;
    };
    b.clock.advance(HOUR - 1000);
    expect((await signIn(holding())).status).toBe(200);
    b.clock.advance(1000);
    expect((await signIn(holding())).status).toBe(429);
  });

  it('charges wrong codes in a flow opened with another account’s device cookie to the account', async () => {
    await t.broker.signUp(BOB, PASSWORD);
    const bobs = t.broker.browser({ ip: '203.0.113.50' });
    expect((await signIn(bobs, PASSWORD, BOB)).status).toBe(200);
    expect(await spendCodeBudget()).toBe(30);
    const started = await bobs.post('/v1/sign-in/email-code', { email: ADA });
    expect(started.status).toBe(202);
    const answer = await bobs.post('/v1/sign-in/email-code/verify', { flow_id: started.body.flow_id, code: await t.broker.lastCode(ADA) });
    expect(answer.status).toBe(429);
  });

  it('lets a copied device cookie guess only within the device budget, then refuses it', async () => {
    const owner = await ownersBrowser();
    expect(await spendPasswordBudget()).toBe(100);
    const windowEnd = t.broker.clock.now().getTime() + 14 * 60_000;
    let compared = 0;
    let guesses = 0;
    // The thief guesses from a new address each time, waiting out every refusal, to the end of the device's 15-minute window.
    while (t.broker.clock.now().getTime() < windowEnd) {
      const thief = stranger();
      thief.cookies.set('lk_device', owner.cookies.get('lk_device')!);
      const answer = await signIn(thief, `thief ${guesses++}`);
      if (answer.status === 401) compared++;
      else {
        expect(answer.status).toBe(429);
        expect(answer.body.code).toBe('rate_limited');
        t.broker.clock.advance(60_000);
      }
    }
    expect(compared).toBe(10);
  });

  it('compares at most the device budget’s free attempts of fifty parallel wrong passwords with one device cookie', async () => {
    const owner = await ownersBrowser();
    expect(await spendPasswordBudget()).toBe(100);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const from = stranger();
        from.cookies.set('lk_device', owner.cookies.get('lk_device')!);
        return signIn(from, `parallel ${i}`);
      }),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(47);
  });

  it('keeps trust for each account a shared browser signed in to, the last five', async () => {
    const shared = t.broker.browser({ ip: '203.0.113.77' });
    const entries = () => shared.cookies.get('lk_device')!.split('~');
    const others = ['b1', 'b2', 'b3', 'b4', 'b5'].map((name) => `${name}@example.com`);
    for (const email of others) await t.broker.signUp(email, PASSWORD);
    expect((await signIn(shared)).status).toBe(200);
    for (const email of others.slice(0, 4)) expect((await signIn(shared, PASSWORD, email)).status).toBe(200);
    expect(entries()).toHaveLength(5);
    expect(await spendPasswordBudget()).toBe(100);
    // Ada signed in first and four others after her: she is still trusted, and her entry is replaced, not added to.
    expect((await signIn(shared)).status).toBe(200);
    expect(entries()).toHaveLength(5);
    // Five other accounts signed in after her push her out.
    for (const email of [others[4]!, ...others.slice(0, 4)]) expect((await signIn(shared, PASSWORD, email)).status).toBe(200);
    expect(entries()).toHaveLength(5);
    expect((await signIn(shared)).status).toBe(429);
  });

  it('sets the device cookie HttpOnly, SameSite=Lax and for a year, __Host- and Secure over https, only when a session opens', async () => {
    const owner = t.broker.browser();
    const refused = await signIn(owner, 'not the password');
    expect(refused.setCookies.some((c) => c.includes('lk_device'))).toBe(false);
    const done = await signIn(owner);
    expect(done.setCookies.find((c) => c.startsWith('lk_device='))).toMatch(/^lk_device=[\w-]{22}\.\d+\.[\w-]{43}; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);

    const https = testBroker(t.storage, { publicUrl: 'https://localhost:8443', allowedOrigins: ['https://localhost:5173'] });
    const secure = await https.post('/v1/sign-in/password', { email: ADA, password: PASSWORD }, { headers: { origin: 'https://localhost:5173' } });
    expect(secure.setCookies.find((c) => c.startsWith('__Host-lk_device='))).toMatch(/^__Host-lk_device=[\w.~-]+; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  describe('never tells whether an address has an account', () => {
    /** Headers as a list, each cookie's value masked (a new binding secret differs per answer), and the request id (random per request) masked whole. */
    const headersOf = (response: { headers: Headers }) =>
      [...response.headers].map(([name, value]) => [name, name === 'set-cookie' ? value.replace(/=[^;]*/, '=…') : name === 'x-request-id' ? '…' : value]);

    async function compare(browser: () => Promise<Browser>) {
      const answers: Record<string, Array<{ status: number; body: unknown; headers: unknown }>> = {};
      for (const email of [ADA, 'nobody@example.com']) {
        const asked = [
          await (await browser()).post('/v1/sign-in/password', { email, password: 'not the password' }),
          await (await browser()).post('/v1/sign-in/email-code', { email }),
          await (await browser()).post('/v1/password-reset', { email }),
        ];
        answers[email] = asked.map((a) => ({ status: a.status, body: { ...a.body, flow_id: a.body.flow_id && '…', email: '…' }, headers: headersOf(a) }));
      }
      expect(answers['nobody@example.com']).toEqual(answers[ADA]);
      return answers[ADA]!;
    }

    it('answers alike from a browser with the owner’s device cookie', async () => {
      const owner = await ownersBrowser();
      const answers = await compare(async () => owner);
      expect(answers.map((a) => a.status)).toEqual([401, 202, 202]);
    });

    it('answers alike from a browser without one', async () => {
      const answers = await compare(async () => t.broker.browser());
      expect(answers.map((a) => a.status)).toEqual([401, 202, 202]);
    });
  });
});
