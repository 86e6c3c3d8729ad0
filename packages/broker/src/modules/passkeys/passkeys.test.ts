import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN, recordStatements, rowCounts, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, passkeyBroker, passkeySignUpStep, signInWithPasskey, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';
import { encodeCbor } from '../../test/soft-authenticator.js';
import { claimDomain, insertOrganization } from '../../storage/queries/index.js';
import type { Requirement } from '../sign-in/complete.js';

const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const PASSWORD = 'correct horse battery staple';

describe.each(storageKinds)('passkeys on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });
  const broker = () => t.broker;

  it('signs up passkey-first: the mailed code, then the account and its passkey together, then the session', async () => {
    const b = broker();
    const started = await b.post('/v1/sign-up', { email: 'Ada@Example.com', name: 'Ada', return_to: `${APP_ORIGIN}/welcome` });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ step: 'email-code', purpose: 'sign-up', email: 'ada@example.com' });

    const step = await b.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await b.lastCode('ada@example.com') });
    expect(step.status).toBe(200);
    expect(step.body).toMatchObject({
      step: 'passkey-registration',
      flow_id: expect.stringMatching(/^flw_/),
      expires_at: new Date(b.clock.now().getTime() + 300_000).toISOString(),
      options: {
        rp: { id: 'app.test', name: 'app.test' },
        user: { name: 'ada@example.com', displayName: 'Ada' },
        excludeCredentials: [],
        timeout: 300_000,
        attestation: 'none',
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
        pubKeyCredParams: [{ alg: -8, type: 'public-key' }, { alg: -7, type: 'public-key' }, { alg: -257, type: 'public-key' }],
      },
    });
    // The code is used; no account exists before its passkey does.
    expect((await rowCounts(t.storage)).users).toBe(0);

    const authenticator = new SoftAuthenticator();
    const done = await b.post('/v1/sign-up/passkey', { flow_id: step.body.flow_id, credential: authenticator.create(step.body.options) });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      step: 'done',
      user: { email: 'ada@example.com', email_verified: true, name: 'Ada' },
      session: { amr: ['hwk', 'user'] },
      return_to: `${APP_ORIGIN}/welcome`,
    });
    expect(done.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_session', 'lk_device']);
    // The user handle the passkey was made for is the account's id.
    expect(Buffer.from(step.body.options.user.id, 'base64url').toString()).toBe(done.body.user.id);

    const [user] = await t.storage.query<{ password_hash: string | null }>(`SELECT password_hash FROM users`);
    expect(user!.password_hash).toBeNull();
    const list = await b.get('/v1/passkeys');
    expect(list.body.passkeys).toEqual([
      {
        id: expect.stringMatching(/^pk_/),
        name: 'Passkey',
        created_at: b.clock.now().toISOString(),
        last_used_at: null,
        device_type: 'single-device',
        backed_up: false,
        transports: ['usb'],
        aaguid: '00000000-0000-0000-0000-000000000000',
      },
    ]);
    expect((await b.get('/v1/session')).body.user.id).toBe(done.body.user.id);
  });

  it('names a synced passkey after its provider and signs in with it as a synced key (swk)', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator({ synced: true, aaguid: ICLOUD });
    const done = await signUpWithPasskey(b, authenticator, 'ada@example.com');
    expect(done.session.amr).toEqual(['swk', 'user']);
    expect((await b.get('/v1/passkeys')).body.passkeys[0]).toMatchObject({ name: 'iCloud Keychain', device_type: 'multi-device', backed_up: true, transports: ['hybrid', 'internal'], aaguid: ICLOUD });

    // Synced passkeys keep their counter at 0: 0 after 0 is fine, again and again.
    for (let i = 0; i < 2; i++) {
      const signedIn = await signInWithPasskey(b.browser(), authenticator);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.session.amr).toEqual(['swk', 'user']);
    }
  });

  it('signs in with a discoverable passkey from another browser, moving the counter and last use on', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator();
    const { user } = await signUpWithPasskey(b, authenticator, 'ada@example.com');
    const laptop = b.browser({ ip: '198.51.100.20' });
    b.clock.advance(60_000);

    const options = await laptop.post('/v1/passkeys/sign-in/options', { return_to: `${APP_ORIGIN}/inbox` });
    expect(options.status).toBe(200);
    expect(options.body).toEqual({
      step: 'passkey',
      flow_id: expect.stringMatching(/^flw_/),
      options: { rpId: 'app.test', challenge: expect.stringMatching(/^[\w-]{43}$/), allowCredentials: [], timeout: 300_000, userVerification: 'required' },
      expires_at: new Date(b.clock.now().getTime() + 300_000).toISOString(),
    });
    // A step that is not done sets only the browser binding.
    expect(options.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_flow']);

    const done = await laptop.post('/v1/passkeys/sign-in/verify', { flow_id: options.body.flow_id, credential: authenticator.get(options.body.options) });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ step: 'done', user: { id: user.id }, session: { amr: ['hwk', 'user'] }, return_to: `${APP_ORIGIN}/inbox` });
    expect(done.setCookies.map((c) => c.split('=')[0])).toEqual(['lk_session', 'lk_device']);
    const [row] = await t.storage.query<{ counter: number; last_used_at: Date }>(`SELECT counter, last_used_at FROM passkeys`);
    expect(row).toEqual({ counter: 1, last_used_at: b.clock.now() });
    expect((await laptop.get('/v1/passkeys')).body.passkeys[0].last_used_at).toBe(b.clock.now().toISOString());
  });

  it('signs up and in with EdDSA and RS256 passkeys as with ES256 ones', async () => {
    const b = broker();
    for (const [algorithm, email] of [['EdDSA', 'ed@example.com'], ['RS256', 'rsa@example.com']] as const) {
      const authenticator = new SoftAuthenticator({ algorithm });
      const { user } = await signUpWithPasskey(b, authenticator, email, b.browser());
      const signedIn = await signInWithPasskey(b.browser(), authenticator);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.id).toBe(user.id);
    }
  });

  it('takes what browsers send besides: no crossOrigin (older Safari), members it does not know (Chromium), authenticator extension outputs', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator();
    const step = await passkeySignUpStep(b, 'ada@example.com');
    // credProtect, as a security key reports it (CTAP 2.1 §12.1).
    const credProtect = encodeCbor(new Map([['credProtect', 2]]));
    const done = await b.post('/v1/sign-up/passkey', { flow_id: step.flow_id, credential: authenticator.create(step.options, { clientData: { crossOrigin: undefined }, authDataExtensions: credProtect }) });
    expect(done.status).toBe(201);
    const chromium = { other_keys_can_be_added_here: 'do not compare clientDataJSON against a template. See https://goo.gl/yabPex' };
    expect((await signInWithPasskey(b.browser(), authenticator, { clientData: chromium })).status).toBe(200);
    expect((await signInWithPasskey(b.browser(), authenticator, { clientData: { crossOrigin: undefined }, authDataExtensions: encodeCbor(new Map()) })).status).toBe(200);
  });

  it('refuses a passkey sign-in with 403 sso_required once the account\'s domain requires SSO (the engine\'s requirement), opening no session', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, 'ana@acme.test');
    const at = b.clock.now();
    await insertOrganization(t.storage, { id: 'org_acme', name: 'Acme', slug: 'acme', createdAt: at });
    await claimDomain(t.storage, { domain: 'acme.test', orgId: 'org_acme', verifiedAt: at, ssoRequired: true, createdAt: at });
    const stranger = b.browser();
    const answer = await signInWithPasskey(stranger, authenticator);
    expect([answer.status, answer.body.code]).toEqual([403, 'sso_required']);
    expect(stranger.cookies.has('lk_session')).toBe(false);
    // Without "SSO required" the same passkey signs in.
    await t.storage.query(`UPDATE organization_domains SET sso_required = false`);
    expect((await signInWithPasskey(b.browser(), authenticator)).status).toBe(200);
  });

  it('finishes a sign-in with four statements after the rate limit, and adds a passkey with three after it and its audit events, in no transaction', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, 'ada@example.com');
    const { storage, statements, transactions } = recordStatements(t.storage);
    const counted = passkeyBroker(storage, { clock: b.clock });
    for (const [name, value] of b.cookies) counted.cookies.set(name, value);
    const takes = vi.spyOn(counted.deps.rateLimits, 'take');
    // The secret (for the device cookie a sign-in sets) is read once per broker, not per request.
    await counted.deps.secret();
    // The budget is a statement on PostgreSQL; PGlite counts it in memory (one process), with no statement.
    const budget = kind === 'postgres' ? [expect.stringMatching(/^INSERT INTO rate_limits/)] : [];

    const step = (await counted.post('/v1/passkeys/sign-in/options', {})).body;
    statements.length = 0;
    takes.mockClear();
    expect((await counted.post('/v1/passkeys/sign-in/verify', { flow_id: step.flow_id, credential: authenticator.get(step.options) })).status).toBe(200);
    // The budget; the ceremony with its passkey and account (read); whether the account is suspended
    // (the engine's refusal: one primary-key read); "SSO required" for the account's domain (the
    // engine's requirement: one primary-key read); the one conditional write.
    expect(takes).toHaveBeenCalledTimes(1);
    expect(statements).toEqual([
      ...budget,
      expect.stringMatching(/^WITH flow AS \(SELECT/),
      expect.stringMatching(/^SELECT suspended_at IS NOT NULL/),
      expect.stringMatching(/FROM organization_domains d/),
      expect.stringMatching(/^WITH flow AS MATERIALIZED/),
    ]);

    const options = (await counted.post('/v1/passkeys/options')).body;
    statements.length = 0;
    takes.mockClear();
    expect((await counted.post('/v1/passkeys', { flow_id: options.flow_id, credential: new SoftAuthenticator().create(options.options) })).status).toBe(201);
    // The budget; the session; the ceremony (read); the one conditional write; the audit events of the new factor (one statement).
    expect(takes).toHaveBeenCalledTimes(1);
    expect(statements).toEqual([
      ...budget,
      expect.stringMatching(/^SELECT s\.id.*FROM sessions s JOIN users u/s),
      expect.stringMatching(/^SELECT id, kind.*FROM flows/s),
      expect.stringMatching(/^WITH flow AS MATERIALIZED/),
      expect.stringMatching(/^INSERT INTO audit_events/),
    ]);
    expect(transactions.count).toBe(0);
  });

  it('stores the pending sign-in and moves the counter when a requirement asks for more after the passkey, once among fifty finishes', async () => {
    const b = broker();
    const authenticator = new SoftAuthenticator();
    const { user } = await signUpWithPasskey(b, authenticator, 'ada@example.com');
    const asksMore: Requirement = async (_tx, _deps, _user, pending) => ({ step: 'passkey', flow_id: pending.id, options: { challenge: 'bW9yZQ' }, expires_at: pending.expiresAt.toISOString() });
    // Another instance on this database, with the requirement in its Deps.
    const asking = testBroker(t.storage, { signIn: { methods: [...PASSKEY_METHODS] }, requirements: [asksMore], clock: b.clock });
    const laptop = asking.browser({ ip: '198.51.100.20' });
    const step = (await laptop.post('/v1/passkeys/sign-in/options', {})).body;
    const body = { flow_id: step.flow_id, credential: authenticator.get(step.options) };
    const sessions = (await rowCounts(t.storage)).sessions;
    const answers = await Promise.all(Array.from({ length: 50 }, () => laptop.post('/v1/passkeys/sign-in/verify', body)));

    const passed = answers.filter((a) => a.status === 200);
    expect(passed).toHaveLength(1);
    expect(passed[0]!.body).toMatchObject({ step: 'passkey' });
    expect(passed[0]!.setCookies).toEqual([]);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'passkey_rejected')).toHaveLength(49);
    expect((await rowCounts(t.storage)).sessions).toBe(sessions);
    expect(await t.storage.query(`SELECT id, user_id, data, consumed_at FROM flows WHERE kind = 'sign-in'`)).toEqual([
      { id: passed[0]!.body.flow_id, user_id: user.id, data: { factors: [{ method: 'passkey', at: b.clock.now().toISOString(), synced: false }], return_to: null }, consumed_at: null },
    ]);
    expect(await t.storage.query(`SELECT consumed_at FROM flows WHERE id = $1`, [step.flow_id])).toEqual([{ consumed_at: b.clock.now() }]);
    expect(await t.storage.query(`SELECT counter FROM passkeys`)).toEqual([{ counter: 1 }]);
  });

  it('lists passkey among the methods identify offers, from the configuration alone', async () => {
    const b = broker();
    await signUpWithPasskey(b, new SoftAuthenticator(), 'ada@example.com');
    const known = await b.browser().post('/v1/sign-in/identify', { email: 'ada@example.com' });
    const unknown = await b.browser().post('/v1/sign-in/identify', { email: 'nobody@example.com' });
    expect(known.body).toEqual({ step: 'password', email: 'ada@example.com', methods: ['password', 'email-code', 'passkey'] });
    expect({ ...unknown.body, email: 'ada@example.com' }).toEqual(known.body);
    const code = await b.browser().post('/v1/sign-in/email-code', { email: 'ada@example.com' });
    expect(code.body.methods).toEqual(['password', 'email-code', 'passkey']);
  });

  it('answers identify with a discoverable passkey ceremony when passkeys come first, the same for every address', async () => {
    const b = passkeyBroker(t.storage, { signIn: { methods: ['passkey', 'email-code'] } });
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, 'ada@example.com');
    const known = await b.browser().post('/v1/sign-in/identify', { email: 'ada@example.com', return_to: `${APP_ORIGIN}/x` });
    const browser = b.browser();
    const unknown = await browser.post('/v1/sign-in/identify', { email: 'nobody@example.com', return_to: `${APP_ORIGIN}/x` });
    expect(known.body).toMatchObject({ step: 'passkey', options: { allowCredentials: [] } });
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    // The ceremony is not tied to the address typed: the passkey says who signs in.
    const done = await browser.post('/v1/passkeys/sign-in/verify', { flow_id: unknown.body.flow_id, credential: authenticator.get(unknown.body.options) });
    expect(done.body).toMatchObject({ step: 'done', user: { email: 'ada@example.com' }, return_to: `${APP_ORIGIN}/x` });
  });

  it('asks again for a pending sign-up after a cancelled dialog: a new challenge, the old one used up', async () => {
    const b = broker();
    const first = await passkeySignUpStep(b, 'ada@example.com');
    const again = await b.post('/v1/sign-up/passkey/options', { flow_id: first.flow_id });
    expect(again.status).toBe(200);
    expect(again.body.step).toBe('passkey-registration');
    expect(again.body.flow_id).not.toBe(first.flow_id);
    expect(again.body.options.challenge).not.toBe(first.options.challenge);
    expect(again.body.options.user).toEqual(first.options.user);

    const authenticator = new SoftAuthenticator();
    const stale = await b.post('/v1/sign-up/passkey', { flow_id: first.flow_id, credential: authenticator.create(first.options) });
    expect(stale.body.code).toBe('passkey_rejected');
    const done = await b.post('/v1/sign-up/passkey', { flow_id: again.body.flow_id, credential: authenticator.create(again.body.options) });
    expect(done.status).toBe(201);
    expect(Buffer.from(first.options.user.id, 'base64url').toString()).toBe(done.body.user.id);
  });

  it('asks again after a dialog that timed out: the challenge is dead, the pending sign-up is not', async () => {
    const b = broker();
    const first = await passkeySignUpStep(b, 'ada@example.com');
    // The browser gave up on the dialog (timeoutMs, 5 minutes); the user comes back and tries again.
    b.clock.advance(5 * 60_000 + 1000);
    const authenticator = new SoftAuthenticator();
    const late = await b.post('/v1/sign-up/passkey', { flow_id: first.flow_id, credential: authenticator.create(first.options) });
    expect(late.body.code).toBe('passkey_rejected');
    const again = await b.post('/v1/sign-up/passkey/options', { flow_id: first.flow_id });
    expect(again.status).toBe(200);
    expect(Date.parse(again.body.expires_at)).toBe(b.clock.now().getTime() + 5 * 60_000);
    const done = await b.post('/v1/sign-up/passkey', { flow_id: again.body.flow_id, credential: authenticator.create(again.body.options) });
    expect(done.status).toBe(201);
  });

  it('stops renewing a pending sign-up after fifteen minutes: start the sign-up again', async () => {
    const b = broker();
    let step = await passkeySignUpStep(b, 'ada@example.com');
    for (let minutes = 4; minutes < 15; minutes += 4) {
      b.clock.advance(4 * 60_000);
      step = (await b.post('/v1/sign-up/passkey/options', { flow_id: step.flow_id })).body;
      expect(step.step).toBe('passkey-registration');
    }
    // The last challenge lives only until the pending sign-up's end.
    expect(step.expires_at).toBe(new Date(Date.parse('2026-11-24T12:00:00Z') + 15 * 60_000).toISOString());
    b.clock.advance(4 * 60_000);
    const late = await b.post('/v1/sign-up/passkey/options', { flow_id: step.flow_id });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe('code_expired');
  });

  it('adds a second passkey while signed in, excluding the first, and lists both', async () => {
    const b = broker();
    const phone = new SoftAuthenticator();
    await signUpWithPasskey(b, phone, 'ada@example.com');
    const [first] = (await b.get('/v1/passkeys')).body.passkeys;
    b.clock.advance(1000);

    const options = await b.post('/v1/passkeys/options');
    expect(options.status).toBe(200);
    expect(options.body.options.excludeCredentials).toEqual([{ id: phone.credentials[0]!.id, type: 'public-key', transports: ['usb'] }]);
    expect(options.body.options.user.name).toBe('ada@example.com');

    const laptop = new SoftAuthenticator({ synced: true, aaguid: '08987058-cadc-4b81-b6e1-30de50dcbe96' });
    const added = await b.post('/v1/passkeys', { flow_id: options.body.flow_id, credential: laptop.create(options.body.options) });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: expect.stringMatching(/^pk_/), name: 'Windows Hello', device_type: 'multi-device', last_used_at: null });
    expect((await b.get('/v1/passkeys')).body.passkeys.map((p: { id: string }) => p.id)).toEqual([first.id, added.body.id]);

    const named = await addPasskey(b, new SoftAuthenticator(), {}, '  Work laptop ');
    expect(named.body.name).toBe('Work laptop');
    // Each signs in to the same account.
    for (const authenticator of [phone, laptop]) expect((await signInWithPasskey(b.browser(), authenticator)).status).toBe(200);
  });

  it('refuses a credential the account already has with passkey_exists', async () => {
    const b = broker();
    const phone = new SoftAuthenticator();
    await signUpWithPasskey(b, phone, 'ada@example.com');
    const options = await b.post('/v1/passkeys/options');
    const before = await rowCounts(t.storage);
    const again = await b.post('/v1/passkeys', { flow_id: options.body.flow_id, credential: phone.create(options.body.options, { reuse: phone.credentials[0] }) });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('passkey_exists');
    expect(await rowCounts(t.storage)).toEqual(before);
  });

  it('renames and deletes passkeys, but never the last way in', async () => {
    const b = broker();
    const phone = new SoftAuthenticator();
    await signUpWithPasskey(b, phone, 'ada@example.com');
    const laptop = new SoftAuthenticator();
    const added = (await addPasskey(b, laptop)).body;

    const renamed = await b.call('PATCH', `/v1/passkeys/${added.id}`, { json: { name: 'Laptop' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: added.id, name: 'Laptop' });

    const first = (await b.get('/v1/passkeys')).body.passkeys.find((p: { id: string }) => p.id !== added.id);
    expect((await b.call('DELETE', `/v1/passkeys/${first.id}`)).status).toBe(204);
    const last = await b.call('DELETE', `/v1/passkeys/${added.id}`);
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_sign_in_method');
    expect((await b.get('/v1/passkeys')).body.passkeys).toEqual([expect.objectContaining({ id: added.id, name: 'Laptop' })]);
    // The deleted passkey no longer signs in; the other does.
    expect((await signInWithPasskey(b.browser(), phone)).body.code).toBe('passkey_rejected');
    expect((await signInWithPasskey(b.browser(), laptop)).status).toBe(200);
  });

  it('lets an account with a password delete its only passkey', async () => {
    const b = broker();
    await b.signUp('ada@example.com', PASSWORD);
    const added = (await addPasskey(b, new SoftAuthenticator())).body;
    expect((await b.call('DELETE', `/v1/passkeys/${added.id}`)).status).toBe(204);
    expect((await b.get('/v1/passkeys')).body.passkeys).toEqual([]);
  });

  it("treats another account's passkey id as not found, and never lists it", async () => {
    const b = broker();
    await signUpWithPasskey(b, new SoftAuthenticator(), 'ada@example.com');
    const [adas] = (await b.get('/v1/passkeys')).body.passkeys;
    const mallory = b.browser({ ip: '198.51.100.66' });
    await signUpWithPasskey(b, new SoftAuthenticator(), 'mallory@example.com', mallory);
    await addPasskey(mallory, new SoftAuthenticator());

    const before = await t.storage.query(`SELECT id, name FROM passkeys ORDER BY id`);
    const rename = await mallory.call('PATCH', `/v1/passkeys/${adas.id}`, { json: { name: 'mine now' } });
    const remove = await mallory.call('DELETE', `/v1/passkeys/${adas.id}`);
    const made_up = await mallory.call('DELETE', '/v1/passkeys/pk_doesNotExist000000000');
    for (const answer of [rename, remove, made_up]) {
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not_found');
    }
    expect(await t.storage.query(`SELECT id, name FROM passkeys ORDER BY id`)).toEqual(before);
    expect((await mallory.get('/v1/passkeys')).body.passkeys.map((p: { id: string }) => p.id)).not.toContain(adas.id);
  });

  it('answers a passkey-first sign-up for a taken address like any other, mailing the owner a notice it can never redeem', async () => {
    const b = broker();
    await b.signUp('ada@example.com', PASSWORD);
    const stranger = b.browser({ ip: '198.51.100.7' });
    const fresh = await stranger.post('/v1/sign-up', { email: 'new@example.com' });
    const taken = await stranger.post('/v1/sign-up', { email: 'ada@example.com' });
    expect(taken.status).toBe(fresh.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const [notice] = await b.outbox('ada@example.com');
    expect(notice!.subject).toBe('Someone tried to sign up with your email address');
    expect(notice!.text).not.toMatch(/\b\d{6}\b/);
    // No code was mailed, so no guess reaches a passkey registration.
    const guess = await stranger.post('/v1/sign-up/verify', { flow_id: taken.body.flow_id, code: '123456' });
    expect(guess.body.code).toBe('invalid_code');
    expect(await t.storage.query(`SELECT kind FROM flows WHERE kind LIKE 'passkey%'`)).toEqual([]);
  });

  it('gives a passkey-only account and an unknown address the same invalid_credentials for a password', async () => {
    const b = broker();
    await signUpWithPasskey(b, new SoftAuthenticator(), 'ada@example.com');
    const stranger = b.browser({ ip: '198.51.100.7' });
    const passkeyOnly = await stranger.post('/v1/sign-in/password', { email: 'ada@example.com', password: PASSWORD });
    const unknown = await stranger.post('/v1/sign-in/password', { email: 'nobody@example.com', password: PASSWORD });
    expect(passkeyOnly.status).toBe(401);
    expect(passkeyOnly.body).toEqual(unknown.body);
    expect(passkeyOnly.body.code).toBe('invalid_credentials');
  });

  it('keeps the signed-in routes for a session', async () => {
    const b = broker();
    const stranger = b.browser();
    for (const [method, path] of [
      ['POST', '/v1/passkeys/options'],
      ['GET', '/v1/passkeys'],
      ['PATCH', '/v1/passkeys/pk_x'],
      ['DELETE', '/v1/passkeys/pk_x'],
    ] as const) {
      const answer = await stranger.call(method, path, method === 'PATCH' ? { json: { name: 'x' } } : {});
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.body.code).toBe('unauthenticated');
    }
    const add = await stranger.post('/v1/passkeys', { flow_id: 'flw_x', credential: new SoftAuthenticator().create((await passkeySignUpStep(b, 'x@example.com')).options) });
    expect(add.body.code).toBe('unauthenticated');
  });

  it('accepts an assertion without user verification when the configuration only prefers it', async () => {
    const b = passkeyBroker(t.storage, { passkeys: { userVerification: 'preferred' } });
    const authenticator = new SoftAuthenticator();
    await signUpWithPasskey(b, authenticator, 'ada@example.com');
    const options = await b.browser().post('/v1/passkeys/sign-in/options', {});
    expect(options.body.options.userVerification).toBe('preferred');
    expect((await signInWithPasskey(b.browser(), authenticator, { flags: { uv: false } })).status).toBe(200);
  });

  it('offers nothing of passkeys when the configuration does not list them', async () => {
    const b = testBroker(t.storage);
    const signIn = await b.post('/v1/passkeys/sign-in/options', {});
    expect(signIn.status).toBe(400);
    expect(signIn.body).toMatchObject({ code: 'invalid_request', detail: 'passkeys are not offered' });
    const signUp = await b.post('/v1/sign-up', { email: 'ada@example.com' });
    expect(signUp.body).toMatchObject({ code: 'invalid_request', errors: [{ path: 'password' }] });
    expect((await b.post('/v1/sign-up/passkey/options', { flow_id: 'flw_x' })).body.code).toBe('invalid_request');
  });

  it('takes the guards of the other flow routes: a trusted Origin and a budget per client address', async () => {
    await signUpWithPasskey(t.broker, new SoftAuthenticator(), 'ada@example.com');
    const [passkey] = (await t.broker.get('/v1/passkeys')).body.passkeys;
    for (const [method, path] of [
      ['POST', '/v1/passkeys/sign-in/options'],
      ['POST', '/v1/passkeys/options'],
      ['POST', '/v1/passkeys'],
      ['PATCH', `/v1/passkeys/${passkey.id}`],
      ['DELETE', `/v1/passkeys/${passkey.id}`],
      ['POST', '/v1/sign-up/passkey'],
    ] as const) {
      const foreign = await t.broker.call(method, path, { json: {}, headers: { origin: 'https://evil.example' } });
      expect(foreign.status, `${method} ${path}`).toBe(403);
      expect(foreign.body.code).toBe('forbidden_origin');
    }
    const tight = testBroker(t.storage, { signIn: { methods: [...PASSKEY_METHODS] }, rateLimits: { perIp: { limit: 2, windowSeconds: 60 } } });
    const newcomer = tight.browser({ ip: '198.51.100.200' });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await newcomer.post('/v1/passkeys/sign-in/options', {})).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Reading the list counts nothing.
    expect((await newcomer.get('/v1/passkeys', { cookie: t.broker.cookieHeader() })).status).toBe(200);
  });

  it('lets a cross-origin page rename and delete: the preflight allows PATCH and DELETE', async () => {
    const preflight = await t.broker.call('OPTIONS', '/v1/passkeys/pk_x', { headers: { 'access-control-request-method': 'DELETE' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/\bPATCH\b.*\bDELETE\b/);
  });
});
