import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { migrate } from '../../storage/migrate.js';
import type { Storage } from '../../storage/storage.js';
import { APP_ORIGIN, BROKER_URL, recordStatements as recorded, storageKinds, testBroker, type StorageKind, useTestBroker } from '../../test/harness.js';
import { CHECK_MS, ensureSigningKey, rotateSigningKey } from './keys.js';
import { keyEncryptionKey, sealPrivateKey, unsealPrivateKey } from './sealed-key.js';

type Broker = ReturnType<typeof testBroker>;


const kidOf = async (broker: Broker) => {
  const minted = await broker.post('/v1/session/token');
  expect(minted.status).toBe(200);
  return decodeProtectedHeader(minted.body.token).kid;
};
const jwksOf = async (broker: Broker) => (await broker.get('/.well-known/jwks.json')).body as { keys: Array<{ kid: string; d?: string }> };

describe.each(storageKinds)('signing keys on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);

  /** A second instance on the same database, signed in with the same cookie. */
  function secondInstance(): Broker {
    const other = testBroker(t.storage);
    for (const [name, value] of t.broker.cookies) other.cookies.set(name, value);
    return other;
  }

  describe('a withdrawn key', () => {
    it('stops signing on another instance within a second of `rotate-keys --now`', async () => {
      await t.broker.signUp('ada@example.com');
      const b = secondInstance();
      const leakedKid = await kidOf(t.broker);
      expect(await kidOf(b)).toBe(leakedKid); // B now holds the key in memory

      const newKid = await rotateSigningKey(t.broker.deps, { immediate: true });
      expect(await kidOf(t.broker)).toBe(newKid);

      b.clock.advance(CHECK_MS);
      const minted = (await b.post('/v1/session/token')).body.token;
      expect(decodeProtectedHeader(minted).kid).toBe(newKid);
      // B publishes the same set: the withdrawn key is gone, the token verifies.
      const jwks = await jwksOf(b);
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKid]);
      await expect(jwtVerify(minted, createLocalJWKSet(jwks as never), { issuer: BROKER_URL, audience: APP_ORIGIN, currentDate: b.clock.now() })).resolves.toBeTruthy();
    });

    it('is checked with one small query at most once a second, not on every mint', async () => {
      await t.broker.signUp('ada@example.com');
      const { storage, statements } = recorded(t.storage);
      const b = testBroker(storage);
      for (const [name, value] of t.broker.cookies) b.cookies.set(name, value);
      await kidOf(b); // first mint: housekeeping, key import
      statements.length = 0;
      for (let i = 0; i < 5; i++) {
        await kidOf(b);
        b.clock.advance(CHECK_MS / 5 - 1);
      }
      expect(statements.filter((sql) => /signing_keys/.test(sql))).toEqual([]);
      b.clock.advance(5);
      await kidOf(b);
      const keyReads = statements.filter((sql) => /signing_keys/.test(sql));
      expect(keyReads).toHaveLength(1);
      expect(keyReads[0]).toMatch(/^SELECT kid FROM signing_keys/);
    });
  });

  describe('the published key set', () => {
    it('holds the signing key before any token was minted (a gateway loading it at start sees a key)', async () => {
      const jwks = await jwksOf(t.broker);
      expect(jwks.keys).toHaveLength(1);
      await t.broker.signUp('ada@example.com');
      expect(await kidOf(t.broker)).toBe(jwks.keys[0]!.kid);
    });

    it('holds the signing key once /ready said ready', async () => {
      expect((await t.broker.get('/ready')).body).toEqual({ status: 'ready' });
      const jwks = await jwksOf(testBroker(t.storage));
      expect(jwks.keys).toHaveLength(1);
      await t.broker.signUp('ada@example.com');
      expect(await kidOf(t.broker)).toBe(jwks.keys[0]!.kid);
    });

    it('holds the signing key once ensureSigningKey ran, as latchkey-broker (src/cli) does before listening', async () => {
      await ensureSigningKey(t.broker.deps);
      const other = testBroker(t.storage);
      const jwks = await jwksOf(other);
      expect(jwks.keys).toHaveLength(1);
      await t.broker.signUp('ada@example.com');
      expect(await kidOf(t.broker)).toBe(jwks.keys[0]!.kid);
    });

    it('is served from memory with cache headers, and answers 304 to a verifier that has it', async () => {
      const { storage, statements } = recorded(t.storage);
      const broker = testBroker(storage);
      const first = await broker.get('/.well-known/jwks.json');
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toMatch(/^application\/json/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=60');
      // Public keys: readable from any origin, without credentials, and never sniffed.
      expect(first.headers.get('access-control-allow-origin')).toBe('*');
      expect(first.headers.get('access-control-allow-credentials')).toBeNull();
      expect(first.headers.get('x-content-type-options')).toBe('nosniff');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]+"$/);

      statements.length = 0;
      const again = await broker.get('/.well-known/jwks.json');
      expect(again.body).toEqual(first.body);
      expect(statements).toEqual([]);

      const unchanged = await broker.get('/.well-known/jwks.json', { headers: { 'if-none-match': `W/${etag}` } });
      expect(unchanged.status).toBe(304);
      expect(unchanged.body).toBeUndefined();
      expect(unchanged.headers.get('etag')).toBe(etag);

      // A rotation changes the set, and so the tag.
      await rotateSigningKey(broker.deps);
      const rotated = await broker.get('/.well-known/jwks.json', { headers: { 'if-none-match': etag! } });
      expect(rotated.status).toBe(200);
      expect(rotated.body.keys).toHaveLength(2);
      expect(rotated.headers.get('etag')).not.toBe(etag);
    });

    it('keeps serving the last key set read while the database does not answer', async () => {
      let down = false;
      const flaky = { ...t.storage, query: (sql: string, params?: unknown[]) => (down ? Promise.reject(new Error('connection refused')) : t.storage.query(sql, params)) };
      const broker = testBroker(flaky as Storage);
      const before = await jwksOf(broker);
      down = true;
      broker.clock.advance(60_000);
      const during = await broker.get('/.well-known/jwks.json');
      expect(during.status).toBe(200);
      expect(during.body).toEqual(before);
    });

    it('picks up a key staged on another instance within a second', async () => {
      const b = secondInstance();
      const before = await jwksOf(b);
      const staged = await rotateSigningKey(t.broker.deps);
      b.clock.advance(1000);
      expect((await jwksOf(b)).keys.map((k) => k.kid)).toEqual([staged, before.keys[0]!.kid]);
    });
  });

  describe('private keys at rest', () => {
    it('keeps no private key material in the database, only sealed', async () => {
      await t.broker.signUp('ada@example.com');
      await kidOf(t.broker);
      await rotateSigningKey(t.broker.deps);
      const rows = await t.storage.query<Record<string, unknown>>(`SELECT * FROM signing_keys`);
      expect(rows).toHaveLength(2);
      const kek = keyEncryptionKey(await t.broker.deps.secret());
      for (const row of rows) {
        const dump = JSON.stringify(row);
        expect(dump).not.toMatch(/"d"\s*:/);
        // The private scalar itself appears nowhere, in any encoding the row holds.
        const { d } = unsealPrivateKey(kek, row.kid as string, row.sealed_private_key as string);
        expect(d).toMatch(/^[\w-]{43}$/);
        expect(dump).not.toContain(d);
        expect(dump).not.toContain(Buffer.from(d!, 'base64url').toString('hex'));
      }
    });

    it('will not sign with a key sealed under another secret, and says why', async () => {
      await ensureSigningKey(t.broker.deps);
      const other = testBroker(t.storage, { secret: 'another-secret-of-at-least-32-characters' });
      await expect(ensureSigningKey(other.deps)).rejects.toThrow(/cannot be unsealed with this broker's secret/);
      await other.signUp('ada@example.com');
      const refused = await other.post('/v1/session/token');
      expect(refused.status).toBe(500);
      expect(JSON.stringify(refused.body)).not.toMatch(/secret|unseal/);
    });

    it('retires keys stored in plaintext before the sealing migration and signs with a fresh sealed one', async () => {
      // The database as migration 002 left it: a plaintext key that signs, another staged.
      const storage = t.storage;
      await storage.exec(`
        DELETE FROM latchkey_migrations WHERE name = '003_sealed_signing_keys.sql';
        DROP INDEX signing_keys_signing;
        ALTER TABLE signing_keys DROP COLUMN sealed_private_key;
        ALTER TABLE signing_keys ADD COLUMN private_jwk jsonb NOT NULL;`);
      const plaintext = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'the-private-scalar' };
      const insert = `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, activates_at) VALUES ($1, 'ES256', $2, $3, now() - interval '1 day', $4)`;
      await storage.query(insert, ['key_old', JSON.stringify(plaintext), JSON.stringify({ kid: 'key_old' }), new Date(Date.now() - 86_400_000)]);
      await storage.query(insert, ['key_staged', JSON.stringify(plaintext), JSON.stringify({ kid: 'key_staged' }), new Date(Date.now() + 3_600_000)]);

      expect(await migrate(storage)).toEqual(['003_sealed_signing_keys.sql']);

      const rows = await storage.query<{ kid: string; retired_at: Date | null }>(`SELECT * FROM signing_keys`);
      expect(JSON.stringify(rows)).not.toContain('the-private-scalar');
      expect(rows.map((r) => r.retired_at)).not.toContain(null);
      // Real time here: the migration retires at the database's now(), and the old keys stay published.
      const broker = testBroker(storage);
      broker.clock.advance(Date.now() - broker.clock.now().getTime());
      await broker.signUp('ada@example.com');
      const kid = await kidOf(broker);
      expect(kid).not.toMatch(/^key_(old|staged)$/);
      expect((await jwksOf(broker)).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, 'key_old', 'key_staged']));
    });
  });
});

describe('sealing a private key', () => {
  const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private-scalar' };
  const kek = keyEncryptionKey('a-broker-secret-of-at-least-32-characters');

  it('opens with the same secret and kid', () => {
    expect(unsealPrivateKey(kek, 'key_1', sealPrivateKey(kek, 'key_1', jwk))).toEqual(jwk);
  });

  it('seals the same key differently every time (random IV)', () => {
    expect(sealPrivateKey(kek, 'key_1', jwk)).not.toBe(sealPrivateKey(kek, 'key_1', jwk));
  });

  it('does not open under another secret, in another row, or after any byte changed', () => {
    const sealed = sealPrivateKey(kek, 'key_1', jwk);
    expect(() => unsealPrivateKey(keyEncryptionKey('another-secret-of-at-least-32-characters'), 'key_1', sealed)).toThrow(/key_1 cannot be unsealed/);
    expect(() => unsealPrivateKey(kek, 'key_2', sealed)).toThrow(/cannot be unsealed/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0]! ^= 1;
    expect(() => unsealPrivateKey(kek, 'key_1', [parts[0], parts[1], body.toString('base64url'), parts[3]].join('.'))).toThrow(/cannot be unsealed/);
    for (const junk of ['', 'v1', 'v2.a.b.c', `${sealed}.extra`]) expect(() => unsealPrivateKey(kek, 'key_1', junk)).toThrow(/cannot be unsealed/);
  });
});
