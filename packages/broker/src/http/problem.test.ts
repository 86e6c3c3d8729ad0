import { format } from 'node:util';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storageKinds, type StorageKind, useTestBroker } from '../test/harness.js';
import { describeErrorForLog, onError } from './problem.js';

/** Everything the broker printed to the console while the test ran, as an operator's log would hold it. */
function captureConsole() {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const level of ['error', 'warn', 'log', 'info', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(format(...args)));
    }
  });
  afterEach(() => vi.restoreAllMocks());
  return { text: () => lines.join('\n') };
}

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdHk$Zm9vYmFyYmF6cXV1eFNFQ1JFVEhBU0hWQUxVRQ';
const CODE_HMAC = 'q9Vt0cS3XwH8dGm2LkPzR7yBn4JfA1eUoWiCxYs6TgE';

describe.each(storageKinds)('the error log on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind);
  const log = captureConsole();

  /** A route whose query fails on the given SQL and parameters, behind the broker's onError. */
  function failingRoute(sql: string, params: unknown[]) {
    const app = new Hono();
    app.onError(onError);
    app.post('/v1/boom', async (c) => c.json(await t.storage.query(sql, params)));
    return app;
  }

  it('prints no query parameter when a query fails on a hash, only the request and the error kind', async () => {
    const response = await failingRoute('SELECT $1::int AS n, $2::text AS code', [HASH, CODE_HMAC]).request('/v1/boom?email=ada%40example.com', { method: 'POST' });
    expect(response.status).toBe(500);
    const body = await response.json();
    const printed = log.text();
    for (const secret of [HASH, 'argon2id', 'c2VjcmV0c2FsdHk', CODE_HMAC, 'ada@example.com', 'ada%40example.com', 'SELECT', '$1::int']) expect(printed).not.toContain(secret);
    expect(JSON.stringify(body)).not.toContain('argon2id');
    expect(printed).toContain(`[latchkey] request ${body.request_id} POST /v1/boom failed: DatabaseError 22P02: invalid input syntax for type integer: "…"`);
    expect(printed).toMatch(/\n\s+at /); // the stack frames stay, for whoever debugs it
  });

  it('prints neither the detail nor the row when a write breaks a constraint', async () => {
    const insert = `INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES ($1, $2, $3, now(), now())`;
    await t.storage.query(insert, ['usr_first', 'ada.private@example.com', HASH]);
    const response = await failingRoute(insert, ['usr_second', 'ada.private@example.com', HASH]).request('/v1/boom', { method: 'POST' });
    expect(response.status).toBe(500);
    const printed = log.text();
    for (const secret of ['ada.private@example.com', 'ada.private', HASH, 'argon2id', 'Key (email)', 'INSERT']) expect(printed).not.toContain(secret);
    expect(printed).toContain('DatabaseError 23505: duplicate key value violates unique constraint "…"');
    expect(printed).toContain('constraint=users_email_key');
  });

  it('keeps a sign-up that fails in the database out of the log: no address, hash or password', async () => {
    // Any failure of the user insert will do; this one makes PostgreSQL quote the whole row in `detail`.
    await t.storage.exec(`ALTER TABLE users ADD CONSTRAINT refuse_every_row CHECK (email IS NULL)`);
    const password = 'a very private passphrase';
    const started = await t.broker.post('/v1/sign-up', { email: 'grace@example.com', password, name: 'Grace Hopper' });
    const code = started.status === 202 ? await t.broker.lastCode('grace@example.com') : undefined;
    const done = code ? await t.broker.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code }) : started;
    expect(done.status).toBe(500);
    const printed = log.text();
    expect(printed).toContain('DatabaseError 23514');
    for (const secret of ['grace@example.com', 'grace', password, 'Grace Hopper', 'argon2id', 'Failing row', ...(code ? [code] : [])]) expect(printed).not.toContain(secret);
  });
});

describe('describing an error for the log', () => {
  it('blanks quoted values and long tokens in any message, and follows causes', () => {
    const error = new Error(`lookup failed for "ada@example.com" with ${CODE_HMAC}`, { cause: Object.assign(new Error('value "4111111111111111" is out of range'), { code: '22003', severity: 'ERROR' }) });
    const text = describeErrorForLog(error);
    expect(text).toContain('Error: lookup failed for "…" with …');
    expect(text).toContain('caused by DatabaseError 22003: value "…" is out of range');
    expect(text).not.toMatch(/ada@example|4111|q9Vt0/);
  });

  it('says what was thrown when it is not an Error, without printing it', () => {
    expect(describeErrorForLog('secret string')).toBe('a thrown string');
    expect(describeErrorForLog({ password: 'x' })).toBe('a thrown object');
  });
});
