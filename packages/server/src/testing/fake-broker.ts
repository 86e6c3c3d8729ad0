import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as the broker publishes it. */
  jwk: JWK;
}

/** A new ES256 key like the broker's (`alg: ES256`, `use: sig`). */
export async function newKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The audience the stand-in broker mints for, unless told otherwise: the host app's origin. */
export const AUDIENCE = 'https://app.example.com';

let tokens = 0;

/**
 * A stand-in broker on 127.0.0.1: serves `/.well-known/jwks.json` from `published`
 * (or fails the way `jwksAnswer` says), counts key fetches, and signs tokens the
 * way the broker does. Each test starts its own, so each has its own issuer and
 * its own cached key set in `verifyToken`.
 */
export async function startFakeBroker() {
  const published: JWK[] = [];
  let jwksAnswer: 'keys' | 'server-error' | 'not-json' | 'not-a-key-set' = 'keys';
  let jwksFetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    jwksFetches++;
    if (jwksAnswer === 'server-error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('database down');
    res.writeHead(200, { 'content-type': 'application/json' });
    if (jwksAnswer === 'not-json') return void res.end('<html>maintenance</html>');
    res.end(JSON.stringify(jwksAnswer === 'not-a-key-set' ? { hello: 'world' } : { keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await newKey('key-1');
  published.push(key.jwk);

  return {
    issuer,
    /** The key the broker signs with unless told otherwise. */
    key,
    published,
    get jwksFetches() {
      return jwksFetches;
    },
    answerJwksWith(answer: typeof jwksAnswer) {
      jwksAnswer = answer;
    },
    /**
     * A session token as the broker mints it. `header` and `claims` override
     * (a value of `undefined` removes the field).
     */
    sign(options: { key?: TestKey; header?: Record<string, unknown>; claims?: Record<string, unknown> } = {}) {
      const signer = options.key ?? key;
      const iat = nowSeconds();
      const header = { alg: 'ES256', kid: signer.kid, typ: 'lk-session+jwt', ...options.header };
      const claims = {
        iss: issuer,
        aud: AUDIENCE,
        sub: 'usr_ada',
        sid: 'ses_1',
        jti: `tok_${++tokens}`,
        iat,
        exp: iat + 300,
        amr: ['pwd'],
        aal: 1,
        org_id: null,
        org_role: null,
        org_permissions: [],
        ...options.claims,
      };
      const defined = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      return new SignJWT(defined(claims)).setProtectedHeader(defined(header) as { alg: string }).sign(signer.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeBroker = Awaited<ReturnType<typeof startFakeBroker>>;

/** Base64url JSON, to hand-craft tokens jose would refuse to sign. */
export const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
