/**
 * One benched server in a process of its own, on 127.0.0.1 and a free port:
 * - `latchkey`: the broker itself (`createBroker`), production mode;
 * - `floor`: the least a token refresh can do with the same libraries and no
 *   Latchkey code: Hono + @hono/node-server, the cookie, one SQL lookup of the
 *   same session+user join on the same database, a jose ES256 SignJWT mint;
 * - `floor-org`: the same for a token in an organization (`?org=`): one SQL
 *   lookup joining the session, the membership and its role's permissions
 *   (FLOOR_ORG_SESSION_SQL), 404 for a non-member, the org claims in the mint;
 * - `ceiling`: bare Hono answering a JSON key set (for the JWKS).
 * Argv[2] is a `TargetSpec`; it tells the parent its port over IPC and stops on 'stop'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { PGlite } from '@electric-sql/pglite';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { createBroker, createPgliteStorage, createPostgresStorage, ensureSigningKey } from '../../packages/broker/src/index.js';
import { BROKER_SECRET, COOKIE_NAME, FLOOR_ORG_SESSION_SQL, FLOOR_SESSION_SQL, ORIGIN, PUBLIC_URL, type StoreSpec, type TargetSpec } from './shared.js';

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

async function floor(store: StoreSpec, inOrg = false) {
  let query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  let close: () => Promise<void>;
  if (store.kind === 'pglite') {
    const db = await PGlite.create({ dataDir: store.dataDir });
    query = async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows;
    close = () => db.close();
  } else {
    const pool = new pg.Pool({ connectionString: store.connectionString, max: store.poolSize, options: `-c search_path=${store.schema}` });
    query = async (sql, params) => (await pool.query(sql, params)).rows;
    close = () => pool.end();
  }
  const { privateKey } = await generateKeyPair('ES256');
  const app = new Hono();
  app.post('/v1/session/token', async (c) => {
    const secret = getCookie(c, COOKIE_NAME);
    if (!secret) return c.json({ code: 'unauthenticated' }, 401);
    const now = new Date();
    const hash = createHash('sha256').update(secret).digest('base64url');
    const org = inOrg ? c.req.query('org') : undefined;
    if (inOrg && !org) return c.json({ code: 'invalid_request' }, 400);
    const [session] = inOrg ? await query(FLOOR_ORG_SESSION_SQL, [hash, now, org]) : await query(FLOOR_SESSION_SQL, [hash, now]);
    // The org floor cannot tell "no session" from "not a member" in one statement without more SQL: both refuse.
    if (!session) return c.json({ code: 'unauthenticated' }, 401);
    const iat = Math.floor(now.getTime() / 1000);
    const claims = inOrg
      ? { org_id: org, org_role: session.role, org_permissions: (session.permissions as string[] | null) ?? [] }
      : { org_id: null, org_role: null };
    const token = await new SignJWT({ sid: session.id, amr: session.amr, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'floor', typ: 'lk-session+jwt' })
      .setIssuer(PUBLIC_URL)
      .setSubject(session.userId as string)
      .setAudience(ORIGIN)
      .setJti(`tok_${randomBytes(16).toString('base64url')}`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(privateKey);
    return c.json({ token, expires_at: new Date((iat + 300) * 1000).toISOString() });
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

const server =
  spec.target === 'latchkey' ? await latchkey(spec.store!) : spec.target === 'floor' || spec.target === 'floor-org' ? await floor(spec.store!, spec.target === 'floor-org') : await ceiling();
const http = serve({ fetch: server.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send!({ port: info.port }));
process.on('message', (message) => {
  // CPU time this process used: per request, it does not depend on what else the machine runs.
  if (message === 'cpu') return void process.send!({ cpu: process.cpuUsage() });
  if (message !== 'stop') return;
  http.close();
  // --cpu-prof writes its profile on a normal exit.
  void server.close().finally(() => process.exit(0));
});
