/**
 * One benched server in a process of its own, on 127.0.0.1 and a free port:
 * - `latchkey`: the broker itself (`createBroker`), production mode;
 * - `floor`: the least each benched answer needs, from the same libraries
 *   (Hono on the newest @hono/node-server, pg or PGlite, jose) and no Latchkey
 *   code: the cookie, one prepared lookup of the few columns the answer needs
 *   with the time compared in SQL (shared.ts), then
 *   - `POST /v1/session/token`: one ES256 mint (jose SignJWT);
 *   - `POST /v1/session/token?org=`: the same, with the membership and role read in the lookup;
 *   - `GET /v1/session`: the JSON of the user and the session;
 * - `ceiling`: bare Hono answering a JSON key set (for the JWKS).
 * Argv[2] is a `TargetSpec`; it tells the parent its port over IPC, answers
 * 'cpu' with its CPU time so far, and stops on 'stop'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { parse, PGlite, protocol } from '@electric-sql/pglite';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { createBroker, createPgliteStorage, createPostgresStorage, ensureSigningKey } from '../../packages/broker/src/index.js';
import { BROKER_SECRET, COOKIE_NAME, FLOOR_ORG_SESSION_SQL, FLOOR_SESSION_SQL, FLOOR_WHO_SQL, ORIGIN, PUBLIC_URL, type StoreSpec, type TargetSpec } from './shared.js';

const spec = JSON.parse(process.argv[2]!) as TargetSpec;

async function latchkey(store: StoreSpec) {
  const storage =
    store.kind === 'pglite'
      ? await createPgliteStorage({ dataDir: store.dataDir })
      : await createPostgresStorage({ connectionString: store.connectionString, schema: store.schema, max: store.poolSize });
  const app = createBroker({ publicUrl: PUBLIC_URL, allowedOrigins: [ORIGIN], secret: BROKER_SECRET, storage, mailer: { send: async () => {} } });
  await ensureSigningKey(app.deps);
  return { fetch: app.fetch, close: () => storage.close() };
}

type Row = Record<string, unknown>;
type Prepared = (sql: string, values: string[]) => Promise<Row[]>;

/**
 * Prepared statements on PGlite through its public protocol API: each SQL text
 * parsed and planned once, then one call per run (bind, describe, execute,
 * sync). PGlite has one connection, so runs queue one after another.
 */
function pglitePrepared(db: PGlite): Prepared {
  const { serialize } = protocol;
  const names = new Map<string, string>();
  let queue: Promise<unknown> = Promise.resolve();
  const join = (parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
    parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
    return out;
  };
  const run = async (sql: string, values: string[]) => {
    let name = names.get(sql);
    if (!name) {
      name = `floor_${names.size}`;
      await db.execProtocol(join([serialize.parse({ name, text: sql }), serialize.sync()]), { syncToFs: false });
      names.set(sql, name);
    }
    const messages = await db.execProtocolStream(
      join([serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      { syncToFs: false },
    );
    return (parse.parseResults(messages, db.parsers)[0]?.rows ?? []) as Row[];
  };
  return (sql, values) => {
    const result = queue.then(() => run(sql, values));
    queue = result.catch(() => {});
    return result;
  };
}

async function floor(store: StoreSpec) {
  let query: Prepared;
  let close: () => Promise<void>;
  if (store.kind === 'pglite') {
    const db = await PGlite.create({ dataDir: store.dataDir });
    query = pglitePrepared(db);
    close = () => db.close();
  } else {
    const pool = new pg.Pool({ connectionString: store.connectionString, max: store.poolSize, options: `-c search_path=${store.schema}` });
    const names = new Map([FLOOR_SESSION_SQL, FLOOR_ORG_SESSION_SQL, FLOOR_WHO_SQL].map((sql, i) => [sql, `floor_${i}`]));
    // A named statement: pg prepares it once per connection.
    query = async (sql, values) => (await pool.query({ name: names.get(sql)!, text: sql, values })).rows;
    close = () => pool.end();
  }
  const { privateKey } = await generateKeyPair('ES256');
  const secretHash = (secret: string) => createHash('sha256').update(secret).digest('base64url');
  const app = new Hono();
  app.post('/v1/session/token', async (c) => {
    const secret = getCookie(c, COOKIE_NAME);
    if (!secret) return c.json({ code: 'unauthenticated' }, 401);
    const org = c.req.query('org');
    const [session] = org ? await query(FLOOR_ORG_SESSION_SQL, [secretHash(secret), org]) : await query(FLOOR_SESSION_SQL, [secretHash(secret)]);
    // The org floor cannot tell "no session" from "not a member" in one statement: both refuse.
    if (!session) return c.json({ code: 'unauthenticated' }, 401);
    const iat = Math.floor(Date.now() / 1000);
    const claims = org ? { org_id: org, org_role: session.role, org_permissions: (session.permissions as string[] | null) ?? [] } : { org_id: null, org_role: null };
    const token = await new SignJWT({ sid: session.id, amr: session.amr, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'floor', typ: 'lk-session+jwt' })
      .setIssuer(PUBLIC_URL)
      .setSubject(session.user_id as string)
      .setAudience(ORIGIN)
      .setJti(`tok_${randomBytes(16).toString('base64url')}`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(privateKey);
    return c.json({ token, expires_at: new Date((iat + 300) * 1000).toISOString() });
  });
  app.get('/v1/session', async (c) => {
    const secret = getCookie(c, COOKIE_NAME);
    const [row] = secret ? await query(FLOOR_WHO_SQL, [secretHash(secret)]) : [];
    if (!row) return c.json({ user: null });
    // Dates become ISO strings in JSON.stringify.
    return c.json({
      user: { id: row.user_id, email: row.email, email_verified: row.email_verified, name: row.name, created_at: row.user_created_at },
      session: { id: row.id, amr: row.amr, factors: row.factors, org_id: row.org_id, created_at: row.created_at, expires_at: row.expires_at },
    });
  });
  return { fetch: app.fetch, close };
}

async function ceiling() {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keys = { keys: [{ ...(await exportJWK(publicKey)), kid: 'key_ceiling', alg: 'ES256', use: 'sig' }] };
  const app = new Hono();
  app.get('/.well-known/jwks.json', (c) => c.json(keys));
  return { fetch: app.fetch, close: async () => {} };
}

const server = spec.target === 'latchkey' ? await latchkey(spec.store!) : spec.target === 'floor' ? await floor(spec.store!) : await ceiling();
const http = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send!({ port: info.port }));
process.on('message', (message) => {
  // CPU time this process used (all its threads): per request, it does not depend on what else the machine runs.
  if (message === 'cpu') return void process.send!({ cpu: process.cpuUsage() });
  if (message !== 'stop') return;
  http.close();
  // --cpu-prof writes its profile on a normal exit.
  void server.close().finally(() => process.exit(0));
});
