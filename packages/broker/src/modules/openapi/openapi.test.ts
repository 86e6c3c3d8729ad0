import { inspectRoutes } from 'hono/dev';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_TOKEN } from '../../test/admin.js';
import { storageKinds, useTestBroker } from '../../test/harness.js';
import { passwordSignInSchema } from '../password/schema.js';
import { userListQuerySchema } from '../admin/schema.js';
import { openApiDocument, openApiPath } from './document.js';

/** Every module on: social sign-in, passkeys (sign-in and sign-up), the admin API, dev mode; SAML, OIDC and orgs are always mounted. */
const EVERYTHING = {
  adminToken: ADMIN_TOKEN,
  dev: true,
  signIn: { methods: ['password', 'email-code', 'passkey'] as Array<'password' | 'email-code' | 'passkey'> },
  social: [{ id: 'devhub', preset: 'github' as const, name: 'DevHub', client_id: 'latchkey', client_secret: 'devhub-secret', link_by_email: false }],
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe.each(storageKinds)('GET /openapi.json (%s)', (kind) => {
  const ctx = useTestBroker(kind, undefined, EVERYTHING);

  /** `METHOD /path` of every handler the Hono app registers (not middleware), in OpenAPI's path form. */
  function registeredRoutes(): string[] {
    const routes = inspectRoutes(ctx.broker.app)
      .filter((route) => !route.isMiddleware)
      // The admin API's catch-all answers 404 problems after its guard: a fallback, not an operation.
      .filter((route) => !(route.method === 'ALL' && route.path === '/admin/v1/*'))
      .map((route) => `${route.method} ${openApiPath(route.path.length > 1 ? route.path.replace(/\/$/, '') : route.path)}`);
    return [...new Set(routes)].sort();
  }

  async function documentServed() {
    const answer = await ctx.broker.get('/openapi.json', { cookie: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    return answer.body;
  }

  it('documents every route the app registers, with its method, and no route that does not exist', async () => {
    const document = await documentServed();
    const documented: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) {
        expect(METHODS, `${method} ${path}`).toContain(method);
        documented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    const registered = registeredRoutes();
    // Named both ways, so a failure says which side lacks what.
    expect(registered.filter((route) => !documented.includes(route)), 'registered but not documented').toEqual([]);
    expect(documented.filter((route) => !registered.includes(route)), 'documented but not registered').toEqual([]);
    expect(registered.length).toBeGreaterThan(100);
  });

  it('is an OpenAPI 3.1 document whose operations have unique ids, status codes and problem types', async () => {
    const document = await documentServed();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'http://localhost:8787' }]);
    const ids = new Set<string>();
    for (const item of Object.values(document.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(item)) {
        expect(ids.has(operation.operationId), operation.operationId).toBe(false);
        ids.add(operation.operationId);
        const statuses = Object.keys(operation.responses);
        expect(statuses.some((status) => /^[23]\d\d$/.test(status)), operation.operationId).toBe(true);
        // Any route may fail on our side: 500 internal_error, as problem+json.
        expect(operation.responses['500'].content['application/problem+json'].schema.allOf[1].properties.type.enum).toContain('urn:latchkey:problem:internal_error');
        for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
          const problem = response.content?.['application/problem+json'];
          if (!problem) continue;
          for (const type of problem.schema.allOf[1].properties.type.enum) expect(type, `${operation.operationId} ${status}`).toMatch(/^urn:latchkey:problem:[a-z_]+$/);
        }
      }
    }
  });

  it('takes request bodies from the zod schemas the routes validate with', async () => {
    const document = await documentServed();
    const { $schema: _, ...password } = z.toJSONSchema(passwordSignInSchema, { io: 'input', unrepresentable: 'any' });
    expect(document.paths['/v1/sign-in/password'].post.requestBody.content['application/json'].schema).toEqual(password);
    expect(password.required).toEqual(expect.arrayContaining(['email', 'password']));
    // A strict schema says so: an unknown field is refused, and the document tells clients.
    expect(password.additionalProperties).toBe(false);
    const users = z.toJSONSchema(userListQuerySchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, unknown> };
    const parameters = document.paths['/admin/v1/users'].get.parameters;
    expect(parameters.map((p: { name: string }) => p.name).sort()).toEqual(Object.keys(users.properties).sort());
    // Bad input gets 400 invalid_request (and the JSON errors) wherever a body is read.
    expect(document.paths['/v1/sign-in/password'].post.responses['400'].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(
      expect.arrayContaining(['malformed_json', 'invalid_request']),
    );
  });

  it('says which routes need the admin bearer token, and that the rest do not', async () => {
    const document = await documentServed();
    expect(document.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const operation of Object.values(item)) {
        const admin = path.startsWith('/admin/v1/');
        expect(operation.security, path).toEqual(admin ? [{ adminToken: [] }] : expect.not.arrayContaining([{ adminToken: [] }]));
        if (admin) expect(operation.responses['401'].content['application/problem+json'].schema.allOf[1].properties.code.enum).toContain('unauthorized');
      }
    }
    expect(document.paths['/admin/v1/users/{userId}'].delete.responses['409'].content['application/problem+json'].schema.allOf[1].properties.type.enum).toEqual([
      'urn:latchkey:problem:last_owner',
    ]);
  });

  it('is public and the same document every time, the one the configuration makes', async () => {
    const first = await documentServed();
    expect(await documentServed()).toEqual(first);
    expect(first).toEqual(JSON.parse(JSON.stringify(openApiDocument(ctx.broker.deps.config))));
  });

  it('documents the dev outbox only in dev mode', async () => {
    const production = openApiDocument({ ...ctx.broker.deps.config, dev: false });
    expect(Object.keys(production.paths)).not.toContain('/dev/outbox');
    expect(Object.keys((await documentServed()).paths)).toContain('/dev/outbox');
  });
});
