/**
 * `BENCH_ONLY=saml pnpm bench`: the broker's CPU per SAML sign-in at the ACS
 * (`POST /v1/saml/{id}/acs`: the text and response checks, node-saml's
 * signature and conditions, the assertion checks, the request consumed by
 * InResponseTo, the replay cache, the identity stored; then the same-site
 * `GET /v1/saml/finish`: account, membership, session) beside node-saml's own
 * validation of the very same responses in the same run (the floor:
 * `validatePostResponseAsync` with the connection's settings — no checks of
 * ours, no flow, no SQL, no session).
 *
 * Run twice: plaintext assertions, and assertions encrypted to the connection's SP key
 * (AES-256-CBC, RSA-OAEP), where the floor decrypts too and the broker decrypts twice
 * (its own look at the plaintext, then node-saml's).
 *
 * The responses come from the real dev SAML IdP (samlify, RSA-SHA256), made
 * before anything is measured; each is validated once by the floor and once
 * by the broker. Broker and floor take turns going first. PGlite runs in this
 * process, so its SQL is in the broker's figure.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as NodeSaml from '@node-saml/node-saml';
import { samlSignIn, startDevIdp } from '../../apps/dev-idp/src/index.js';
import { createBroker, createPgliteStorage } from '../../packages/broker/src/index.js';
import { findConnection, type ConnectionRecord } from '../../packages/broker/src/storage/queries/index.js';
import { spKeyOf } from '../../packages/broker/src/modules/saml/sp-key.js';
import { BROKER_SECRET, ORIGIN, PUBLIC_URL, brokerBesideFloor } from './shared.js';

/** The node-saml the broker itself loads (a dependency of the broker package, not of the workspace root). */
const { SAML, ValidateInResponseTo }: typeof NodeSaml = await import(pathToFileURL(createRequire(new URL('../../packages/broker/package.json', import.meta.url)).resolve('@node-saml/node-saml')).href);

export interface SamlFigures {
  brokerUs: number;
  libraryUs: number;
  count: number;
  /** The assertions were encrypted to the connection's SP key (and the floor decrypts them too). */
  encrypted: boolean;
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef-0123';

export async function benchSamlAcs(options: { count?: number; concurrency?: number; encrypted?: boolean } = {}): Promise<SamlFigures> {
  const concurrency = options.concurrency ?? 4;
  const batch = concurrency * 8;
  const rounds = Math.max(1, Math.round((options.count ?? 128) / batch));
  const encrypted = options.encrypted ?? false;
  // The IdP reads the SP's metadata (its encryption certificate) from the broker in this process.
  const spMetadata = async (entityId: string) => (await app.request(new URL(entityId).pathname, {}, env)).text();
  const idp = await startDevIdp({ port: 0, brokerUrl: PUBLIC_URL, spMetadata, saml: { encryptAssertions: encrypted } });
  const storage = await createPgliteStorage();
  const roomy = { limit: 1_000_000, windowSeconds: 60 };
  const app = createBroker({
    publicUrl: PUBLIC_URL,
    allowedOrigins: [ORIGIN],
    secret: BROKER_SECRET,
    storage,
    dev: true,
    adminToken: ADMIN_TOKEN,
    mailer: { send: async () => {} },
    rateLimits: { perIp: roomy },
  });
  const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
  const admin = async (path: string, body: unknown) => {
    const response = await app.request(`/admin/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, env);
    if (response.status !== 201) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const org = await admin('/organizations', { name: 'Globex' });
  await admin(`/organizations/${org.id}/domains`, { domain: 'globex.test' });
  const connection = await admin(`/organizations/${org.id}/connections`, { type: 'saml', metadata_url: idp.saml.metadataUrl, group_roles: { admins: 'admin' }, encrypt_assertions: encrypted });
  const spKey = encrypted ? await spKeyOf(app.deps, (await findConnection(storage, connection.id!)) as ConnectionRecord & { type: 'saml' }) : undefined;

  // The floor: node-saml as the broker configures it for this connection (decrypting with its SP key where assertions are encrypted).
  const floor = new SAML({
    ...(spKey ? { decryptionPvk: spKey.privateKeyPem } : {}),
    issuer: connection.sp_entity_id!,
    callbackUrl: connection.acs_url!,
    audience: connection.sp_entity_id!,
    idpIssuer: idp.saml.entityId,
    idpCert: idp.saml.certificate,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: 60_000,
  });

  /** Started sign-ins: a browser's binding cookie and the IdP's signed response to its request. */
  async function prepareTrips(n: number) {
    const trips = [];
    for (let i = 0; i < n; i++) {
      const started = await app.request('/v1/sign-in/identify', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bo@globex.test' }) }, env);
      const cookie = started.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
      const { url } = (await started.json()) as { url: string };
      const post = await samlSignIn(idp, { authnRequestUrl: url, email: 'bo@globex.test', password: 'latchkey-dev' });
      trips.push({ cookie, acsPath: new URL(post.acsUrl).pathname, samlResponse: post.SAMLResponse });
    }
    return trips;
  }
  async function brokerSignIn(trip: { cookie: string; acsPath: string; samlResponse: string }) {
    const acs = await app.request(trip.acsPath, { method: 'POST', headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse: trip.samlResponse }).toString() }, env);
    if (acs.status !== 303) throw new Error(`acs: ${acs.status} ${await acs.text()}`);
    const finish = await app.request('/v1/saml/finish', { headers: { cookie: trip.cookie } }, env);
    if (finish.status !== 303 || !finish.headers.getSetCookie().some((line) => line.startsWith('lk_session'))) throw new Error(`finish: ${finish.status} ${await finish.text()}`);
  }
  async function librarySignIn(trip: { samlResponse: string }) {
    const { profile } = await floor.validatePostResponseAsync({ SAMLResponse: trip.samlResponse });
    if (!profile?.nameID) throw new Error('node-saml: no profile');
  }

  // One unmeasured batch of each warms both up (JIT; the first sign-in makes the account and membership).
  // The floor keeps no replay cache, so it validates the very responses the broker takes, before or after it.
  const figures = await brokerBesideFloor({
    rounds,
    batch,
    concurrency,
    prepare: async () => {
      const trips = await prepareTrips(batch);
      return { broker: trips, floor: trips };
    },
    broker: brokerSignIn,
    floor: librarySignIn,
  });
  await idp.close();
  await storage.close();
  return { brokerUs: figures.brokerUs, libraryUs: figures.floorUs, count: figures.count, encrypted };
}

export function samlTable(runs: SamlFigures[]): string {
  return [
    '| store | what | broker CPU µs | node-saml alone µs | ratio |',
    '|---|---|---:|---:|---:|',
    ...runs.map(
      (figures) =>
        `| PGlite | SAML sign-in (POST /v1/saml/{id}/acs + GET /v1/saml/finish)${figures.encrypted ? ', encrypted assertion' : ''} | ${Math.round(figures.brokerUs)} | ${Math.round(figures.libraryUs)} | ${(figures.brokerUs / figures.libraryUs).toFixed(1)}× |`,
    ),
  ].join('\n');
}
