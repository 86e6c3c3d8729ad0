import { PROBLEM_TYPE_PREFIX, type ProblemCode } from '@latchkey/client';
import { z } from 'zod';
import type { BrokerConfig } from '../../config.js';
import { STATUS, TITLES } from '../../http/problem.js';
import { sessionCookie } from '../sessions/cookie.js';
import { brokerOperations, type Operation } from './operations.js';

/**
 * The broker's OpenAPI 3.1 document (`GET /openapi.json`), built once per broker from
 * the operation list (./operations.ts): request bodies and query strings from the zod
 * schemas the routes validate with, success statuses, and the `application/problem+json`
 * errors each operation may answer, grouped by status, with their stable `type`s.
 */

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it: the input side of transforms and defaults. */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Path parameters in Hono's form (`:org_id`) to OpenAPI's (`{org_id}`). */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/** Problems any operation of this kind may answer, besides its own (`Operation.problems`). */
function commonProblems(operation: Operation): ProblemCode[] {
  // Any route may find the database out of reach for a moment (a restart, a failover): a retryable 503.
  const codes: ProblemCode[] = ['internal_error', 'service_unavailable'];
  const unsafe = operation.method !== 'get';
  if (operation.body) codes.push('malformed_json', 'invalid_request', 'unsupported_media_type', 'payload_too_large');
  if (operation.form) codes.push('invalid_request', 'unsupported_media_type', 'payload_too_large');
  if (operation.query) codes.push('invalid_request');
  if (operation.caller === 'admin') codes.push('unauthorized', 'admin_disabled');
  else if (operation.path.startsWith('/v1/')) {
    // The browser routes' guards (broker.ts): a trusted Origin on unsafe calls, and budgets per client address.
    if (unsafe && !operation.form) codes.push('forbidden_origin');
    if (unsafe || /^\/v1\/(oauth|saml|invitations|invite-links)\//.test(operation.path)) codes.push('rate_limited');
  }
  if (operation.caller === 'session' || operation.caller === 'recent') codes.push('unauthenticated');
  if (operation.caller === 'recent') codes.push('reauthentication_required');
  return codes;
}

const CALLERS: Record<Operation['caller'], string> = {
  anyone: 'Public.',
  session: 'Needs a signed-in browser: the session cookie.',
  recent: 'Needs a signed-in browser whose session authenticated recently (else 403 `reauthentication_required`: step up, then retry).',
  admin: 'Admin API: needs `Authorization: Bearer <LATCHKEY_ADMIN_TOKEN>` (403 `admin_disabled` while no token is configured). Server to server: no CORS.',
};

function problemResponse(codes: ProblemCode[]) {
  return {
    description: codes.map((code) => `\`${code}\`: ${TITLES[code]}`).join('; '),
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Problem' },
            { type: 'object', properties: { type: { enum: codes.map((code) => `${PROBLEM_TYPE_PREFIX}${code}`) }, code: { enum: codes } } },
          ],
        },
      },
    },
  };
}

function operationObject(operation: Operation) {
  const responses: Record<string, unknown> = {};
  for (const success of operation.ok) {
    const key = String(success.status);
    const media = success.media ?? 'application/json';
    const existing = responses[key] as { description: string; content?: Record<string, unknown> } | undefined;
    const content = media === 'none' ? undefined : { ...existing?.content, [media]: { schema: {} } };
    responses[key] = {
      description: existing ? `${existing.description}; or ${success.description}` : success.description,
      ...(success.redirect ? { headers: { Location: { schema: { type: 'string', format: 'uri-reference' } } } } : {}),
      ...(content ? { content } : {}),
    };
  }
  const codes = [...new Set([...commonProblems(operation), ...(operation.problems ?? [])])];
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) byStatus.set(STATUS[code], [...(byStatus.get(STATUS[code]) ?? []), code]);
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) responses[String(status)] = problemResponse(list);

  const parameters: unknown[] = [...operation.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (operation.query) {
    const query = jsonSchemaOf(operation.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  return {
    operationId: `${operation.method}${openApiPath(operation.path).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: operation.summary,
    description: CALLERS[operation.caller],
    tags: [operation.tag],
    security: operation.caller === 'admin' ? [{ adminToken: [] }] : operation.caller === 'anyone' ? [] : [{ sessionCookie: [] }],
    ...(operation.caller === 'admin' ? { 'x-latchkey-admin': true } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(operation.body) } } } } : {}),
    ...(operation.form
      ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['SAMLResponse'], properties: { SAMLResponse: { type: 'string' }, RelayState: { type: 'string' } } } } } } }
      : {}),
    responses,
  };
}

/**
 * The document for a broker with `config` (its public URL, its session cookie's name,
 * dev mode). Plain data: `createBroker` serializes it once at start-up.
 *
 * @example
 * const body = JSON.stringify(openApiDocument(config));
 */
export function openApiDocument(config: BrokerConfig, operations: readonly Operation[] = brokerOperations(config)) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) (paths[openApiPath(operation.path)] ??= {})[operation.method] = operationObject(operation);
  const codes = Object.keys(STATUS) as ProblemCode[];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Latchkey broker',
      version: '1',
      description:
        'Sign-in, sessions, passkeys, MFA, organizations and the admin API of a Latchkey broker. Browser routes (`/v1/*`) take JSON from a trusted Origin and answer the next sign-in `Step` where a flow goes on; errors are RFC 9457 `application/problem+json` with a stable `type` (`urn:latchkey:problem:<code>`). The admin API (`/admin/v1/*`, tag `admin`) needs the admin bearer token.',
    },
    servers: [{ url: config.publicUrl }],
    tags: ['operations', 'sign-in', 'sign-up', 'passkeys', 'mfa', 'step-up', 'sessions', 'account', 'orgs', 'joining', 'admin', ...(config.dev ? ['dev'] : [])].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookie(config).name, description: 'The HttpOnly session cookie a sign-in sets' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'LATCHKEY_ADMIN_TOKEN (`adminToken`); every admin route answers 403 admin_disabled while it is unset' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'code', 'title', 'status'],
          properties: {
            type: { type: 'string', enum: codes.map((code) => `${PROBLEM_TYPE_PREFIX}${code}`) },
            code: { type: 'string', enum: codes },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' }, reason: { type: 'string' } } } },
            request_id: { type: 'string' },
            attempts_left: { type: 'integer' },
            requirement: { type: 'string' },
            org_id: { type: 'string' },
          },
        },
      },
    },
  };
}
