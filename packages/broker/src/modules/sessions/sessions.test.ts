import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { APP_ORIGIN, BROKER_URL, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import { migrate } from '../../storage/migrate.js';
import { insertOrganization, upsertMembership } from '../../storage/queries/index.js';
import { PUBLISH_LEAD_MS, rotateSigningKey } from './keys.js';

describe.each(storageKinds)('sessions and tokens on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  async function verifyWithJwks(token: string) {
    const jwks = (await t.broker.get('/.well-known/jwks.json')).body;
    return jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: BROKER_URL,
      audience: APP_ORIGIN,
      algorithms: ['ES256'],
      typ: 'lk-session+jwt',
      currentDate: t.broker.clock.now(),
    });
  }

  it("carries the active organization's id and the user's role in it (memberships, read with the session), null in another", async () => {
    const done = await t.broker.signUp('ada@example.com');
    const at = t.broker.clock.now();
    await insertOrganization(t.storage, { id: 'org_acme', name: 'Acme', slug: 'acme', createdAt: at });
    await insertOrganization(t.storage, { id: 'org_globex', name: 'Globex', slug: 'globex', createdAt: at });
    await upsertMembership(t.storage, { orgId: 'org_acme', userId: done.user.id, role: 'member', createdAt: at });
    // The session active in Acme, as an Acme connection's factor makes it.
    await t.storage.query(`UPDATE sessions SET org_id = 'org_acme' WHERE id = $1`, [done.session.id]);
    const claims = async () => (await verifyWithJwks((await t.broker.post('/v1/session/token')).body.token)).payload;
    expect(await claims()).toMatchObject({ org_id: 'org_acme', org_role: 'member' });
    // A role changed by the admin shows in the next token.
    await t.storage.query(`UPDATE memberships SET role = 'admin' WHERE org_id = 'org_acme'`);
    t.broker.clock.advance(301_000);
    expect(await claims()).toMatchObject({ org_id: 'org_acme', org_role: 'admin' });
    // Active in an organization the user is no member of: no role.
    await t.storage.query(`UPDATE sessions SET org_id = 'org_globex' WHERE id = $1`, [done.session.id]);
    t.broker.clock.advance(301_000);
    expect(await claims()).toMatchObject({ org_id: 'org_globex', org_role: null });
  });

  it('mints a short-lived ES256 token that verifies against the published JWKS', async () => {
    const done = await t.broker.signUp('ada@example.com');
    const minted = await t.broker.post('/v1/session/token');
    expect(minted.status).toBe(200);
    const { payload, protectedHeader } = await verifyWithJwks(minted.body.token);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'lk-session+jwt' });
    expect(payload).toMatchObject({ iss: BROKER_URL, aud: APP_ORIGIN, sub: done.user.id, sid: done.session.id, amr: ['pwd'], aal: 1, org_id: null, org_role: null });
    expect(payload.jti).toMatch(/^tok_[\w-]{22}$/);
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(minted.body.expires_at).toBe(new Date(payload.exp! * 1000).toISOString());
  });

  it('refuses a token after sign-out, and the old cookie stays worthless', async () => {
    await t.broker.signUp('ada@example.com');
    const cookie = [...t.broker.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const out = await t.broker.post('/v1/sign-out');
    expect(out.status).toBe(204);
    expect(out.setCookies[0]).toMatch(/^lk_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/);
    const refused = await t.broker.post('/v1/session/token', {}, { cookie });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthenticated');
    const after = await t.broker.get('/v1/session', { cookie });
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ user: null });
  });

  it('tells the signed-in page who is signed in', async () => {
    const done = await t.broker.signUp('ada@example.com');
    const current = await t.broker.get('/v1/session');
    expect(current.status).toBe(200);
    expect(current.headers.get('cache-control')).toBe('no-store');
    expect(current.body).toEqual({ user: done.user, session: done.session });
  });

  it('answers a signed-out visitor 200 with no user, so a page load logs no error', async () => {
    for (const cookie of [null, 'lk_session=forged', `lk_session=${'x'.repeat(200)}`]) {
      const answer = await t.broker.get('/v1/session', { cookie });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.body).toEqual({ user: null });
    }
  });

  it('refuses a forged or expired session cookie', async () => {
    await t.broker.signUp('ada@example.com');
    expect((await t.broker.post('/v1/session/token', {}, { cookie: 'lk_session=forged' })).status).toBe(401);
    t.broker.clock.advance(30 * 86_400_000 + 1);
    expect((await t.broker.post('/v1/session/token')).status).toBe(401);
  });

  const kidOf = async (broker = t.broker) => decodeProtectedHeader((await broker.post('/v1/session/token')).body.token).kid;
  const publishedKids = async () => (await t.broker.get('/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);

  it('publishes the next key an hour before it signs, and keeps the old one until its tokens expired', async () => {
    await t.broker.signUp('ada@example.com');
    const before = (await t.broker.post('/v1/session/token')).body.token;
    const oldKid = decodeProtectedHeader(before).kid;
    const newKid = await rotateSigningKey(t.broker.deps);
    // Published at once, so verifiers can fetch it; not signing yet.
    expect(await publishedKids()).toEqual([newKid, oldKid]);
    expect(await kidOf()).toBe(oldKid);

    t.broker.clock.advance(PUBLISH_LEAD_MS);
    const after = (await t.broker.post('/v1/session/token')).body.token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    await expect(verifyWithJwks(before)).rejects.toThrow(/exp/); // expired by now, but its key is still known
    expect(await publishedKids()).toEqual([newKid, oldKid]);
    await expect(verifyWithJwks(after)).resolves.toBeTruthy();

    // Long after every old token expired, the retired key is no longer published.
    t.broker.clock.advance(3_600_000);
    await kidOf();
    expect(await publishedKids()).toEqual([newKid]);
  });

  it('switches to a new key at once and withdraws the old one when the old one leaked', async () => {
    await t.broker.signUp('ada@example.com');
    const leaked = (await t.broker.post('/v1/session/token')).body.token;
    const newKid = await rotateSigningKey(t.broker.deps, { immediate: true });
    expect(await kidOf()).toBe(newKid);
    expect(await publishedKids()).toEqual([newKid]);
    await expect(verifyWithJwks(leaked)).rejects.toThrow();
  });

  it('stages and then uses a new key by itself once the current one is due', async () => {
    await t.broker.signUp('ada@example.com');
    const first = await kidOf();
    t.broker.clock.advance(30 * 86_400_000 - PUBLISH_LEAD_MS);
    // The 30-day session is over by now too: sign in again.
    await t.broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(await kidOf()).toBe(first); // the next key is staged, not signing
    const staged = (await publishedKids()).filter((kid: string) => kid !== first);
    expect(staged).toHaveLength(1);
    t.broker.clock.advance(PUBLISH_LEAD_MS);
    // Another instance on the same database signs with the same new key.
    const other = testBroker(t.storage);
    other.clock.advance(30 * 86_400_000);
    await other.signUp('bob@example.com');
    expect(await kidOf(other)).toBe(staged[0]);
    expect(await kidOf()).toBe(staged[0]);
  });

  it('publishes only public key material', async () => {
    await t.broker.signUp('ada@example.com');
    await t.broker.post('/v1/session/token');
    const { keys } = (await t.broker.get('/.well-known/jwks.json')).body;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });

  it('sets a __Host- Secure cookie when the broker is served over https', async () => {
    const secure = testBroker(t.storage, { publicUrl: 'https://localhost:8443', allowedOrigins: ['https://localhost:5173'] });
    const started = await secure.post('/v1/sign-up', { email: 'ada@example.com', password: 'correct horse battery staple' }, { headers: { origin: 'https://localhost:5173' } });
    const done = await secure.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await secure.lastCode('ada@example.com') }, { headers: { origin: 'https://localhost:5173' } });
    expect(done.setCookies[0]).toMatch(/^__Host-lk_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('gives sessions opened before migration 006 their factors, read back from amr, and keeps them signed in', async () => {
    const done = await t.broker.signUp('ada@example.com');
    // The database as migration 005 left it, with sessions made by a password, an emailed code (then `otp`) and passkeys.
    await t.storage.exec(`
      DELETE FROM latchkey_migrations WHERE name = '006_session_factors.sql';
      ALTER TABLE sessions DROP COLUMN factors;
      ALTER TABLE sessions DROP COLUMN org_id;`);
    const insert = `INSERT INTO sessions (id, secret_hash, user_id, amr, created_at, last_seen_at, expires_at) VALUES ($1, $1, $2, $3, $4, $4, $4::timestamptz + interval '1 day')`;
    const at = new Date('2026-11-20T08:30:00.250Z');
    await t.storage.query(insert, ['ses_code', done.user.id, ['otp'], at]);
    await t.storage.query(insert, ['ses_synced', done.user.id, ['swk', 'user'], at]);
    await t.storage.query(insert, ['ses_both', done.user.id, ['pwd', 'hwk', 'user'], at]);
    expect(await migrate(t.storage)).toEqual(['006_session_factors.sql']);
    const rows = async (ids: string[]) => t.storage.query(`SELECT id, factors, amr, org_id FROM sessions WHERE id = ANY($1) ORDER BY id`, [ids]);
    const iso = at.toISOString();
    expect(await rows(['ses_both', 'ses_code', 'ses_synced'])).toEqual([
      { id: 'ses_both', factors: [{ method: 'pwd', at: iso }, { method: 'passkey', at: iso, synced: false }], amr: ['pwd', 'hwk', 'user'], org_id: null },
      { id: 'ses_code', factors: [{ method: 'email_code', at: iso }], amr: ['otp'], org_id: null },
      { id: 'ses_synced', factors: [{ method: 'passkey', at: iso, synced: true }], amr: ['swk', 'user'], org_id: null },
    ]);
    expect(await rows([done.session.id])).toEqual([{ id: done.session.id, factors: [{ method: 'pwd', at: done.session.created_at }], amr: ['pwd'], org_id: null }]);
    // The session signed in before still mints tokens, now with its assurance level.
    const minted = await t.broker.post('/v1/session/token');
    expect((await verifyWithJwks(minted.body.token)).payload).toMatchObject({ sid: done.session.id, amr: ['pwd'], aal: 1, org_id: null });
  });
});

describe.each(storageKinds)('the idle timeout on %s', (kind: StorageKind) => {
  const IDLE_SECONDS = 3 * 86_400;
  const IDLE_MS = IDLE_SECONDS * 1000;
  const t = useTestBroker(kind, undefined, { session: { idleTimeoutSeconds: IDLE_SECONDS } });

  /** The answers of a refresh, an organization refresh and a session read with this browser's cookie. */
  async function answers(cookie?: string) {
    const init = cookie === undefined ? {} : { cookie };
    const strip = (a: { status: number; body: unknown; setCookies: string[] }) => ({ status: a.status, body: a.body, setCookies: a.setCookies });
    return {
      refresh: strip(await t.broker.post('/v1/session/token', {}, init)),
      personal: strip(await t.broker.post('/v1/session/token?org=personal', {}, init)),
      read: strip(await t.broker.get('/v1/session', init)),
    };
  }

  it('keeps a session used just under the timeout, and ends one unused for it as an expired one ends', async () => {
    await t.broker.signUp('ada@example.com');
    const cookie = t.broker.cookieHeader();
    t.broker.clock.advance(IDLE_MS - 1);
    expect((await t.broker.post('/v1/session/token')).status).toBe(200);
    t.broker.clock.advance(IDLE_MS);
    const idle = await answers(cookie);
    expect(idle.refresh.status).toBe(401);
    expect(idle.refresh.body).toMatchObject({ type: 'urn:latchkey:problem:unauthenticated', code: 'unauthenticated', status: 401 });
    expect(idle.read).toEqual({ status: 200, body: { user: null }, setCookies: [] });
    // Exactly what a session past its absolute lifetime answers, on every route.
    t.broker.clock.advance(30 * 86_400_000);
    expect(await answers(cookie)).toEqual(idle);
  });

  it('counts each refresh and each session read as use: a session in use outlives the timeout many times', async () => {
    const done = await t.broker.signUp('ada@example.com');
    for (let day = 0; day < 10; day++) {
      t.broker.clock.advance(IDLE_MS - 60_000);
      const answer = day % 2 ? await t.broker.post('/v1/session/token') : await t.broker.get('/v1/session');
      expect(answer.status).toBe(200);
    }
    expect((await t.broker.get('/v1/session')).body.session.id).toBe(done.session.id);
  });

  it('still ends a session in use at its absolute lifetime', async () => {
    await t.broker.signUp('ada@example.com');
    const maxAgeMs = t.broker.deps.config.session.maxAgeSeconds * 1000;
    let elapsed = 0;
    while (elapsed + 86_400_000 < maxAgeMs) {
      t.broker.clock.advance(86_400_000);
      elapsed += 86_400_000;
      expect((await t.broker.post('/v1/session/token')).status).toBe(200);
    }
    t.broker.clock.advance(maxAgeMs - elapsed);
    expect((await t.broker.post('/v1/session/token')).status).toBe(401);
    expect((await t.broker.get('/v1/session')).body).toEqual({ user: null });
  });

  it('does not list an idle session among the account’s active sessions', async () => {
    await t.broker.signUp('ada@example.com');
    const idleId = (await t.broker.get('/v1/session')).body.session.id;
    t.broker.clock.advance(IDLE_MS - 60_000);
    const laptop = t.broker.browser({ ip: '203.0.113.20' });
    expect((await laptop.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' })).status).toBe(200);
    const listed = async () => ((await laptop.get('/v1/sessions')).body.sessions as Array<{ id: string }>).map((s) => s.id);
    expect(await listed()).toContain(idleId);
    t.broker.clock.advance(60_000);
    expect(await listed()).not.toContain(idleId);
    expect(await listed()).toHaveLength(1);
  });

  it('records use at most every 5 minutes, so refreshes in between write nothing', async () => {
    await t.broker.signUp('ada@example.com');
    const lastSeen = async () => (await t.storage.query<{ last_seen_at: Date }>(`SELECT last_seen_at FROM sessions`))[0]!.last_seen_at.getTime();
    const opened = await lastSeen();
    t.broker.clock.advance(299_000);
    await t.broker.post('/v1/session/token');
    await t.broker.get('/v1/session');
    expect(await lastSeen()).toBe(opened);
    t.broker.clock.advance(2_000);
    await t.broker.post('/v1/session/token');
    expect(await lastSeen()).toBe(opened + 301_000);
  });
});

describe.each(storageKinds)('without an idle timeout on %s (the default)', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  it('keeps a session unused for weeks until its absolute lifetime', async () => {
    await t.broker.signUp('ada@example.com');
    expect(t.broker.deps.config.session.idleTimeoutSeconds).toBe(0);
    t.broker.clock.advance(29 * 86_400_000);
    expect((await t.broker.post('/v1/session/token')).status).toBe(200);
    expect((await t.broker.get('/v1/session')).body.user).toMatchObject({ email: 'ada@example.com' });
  });
});
