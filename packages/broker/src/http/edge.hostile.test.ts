import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, rowCounts, storageKinds, type StorageKind, useTestBroker } from '../test/harness.js';
import { forbiddenCharacterPaths } from './body.js';

/** Characters no field takes: what each breaks is in body.ts. */
const HOSTILE = {
  'a NUL byte': '\u0000',
  'half an emoji (a lone high surrogate)': '\uD83D',
  'a lone low surrogate': '\uDE00',
  'an escape character': '\u001B',
  'a line feed': '\n',
  'a DEL': '\u007F',
  'a C1 control (NEL)': '\u0085',
};

const PASSWORD = 'correct horse battery staple';

/** Every route that reads a JSON body, with a body it would accept; `flow_id` is filled in with a live flow. */
const ROUTES: Array<[path: string, body: Record<string, string>]> = [
  ['/v1/sign-up', { email: 'new@example.com', password: PASSWORD, name: 'Ada Lovelace', return_to: `${APP_ORIGIN}/home` }],
  ['/v1/sign-up/verify', { flow_id: 'live', code: '123456' }],
  ['/v1/sign-in/identify', { email: 'ada@example.com', return_to: `${APP_ORIGIN}/home` }],
  ['/v1/sign-in/password', { email: 'ada@example.com', password: PASSWORD, return_to: `${APP_ORIGIN}/home` }],
  ['/v1/sign-in/email-code', { email: 'ada@example.com', return_to: `${APP_ORIGIN}/home` }],
  ['/v1/sign-in/email-code/verify', { flow_id: 'live', code: '123456' }],
  ['/v1/email-code/resend', { flow_id: 'live' }],
  ['/v1/password-reset', { email: 'ada@example.com' }],
  ['/v1/password-reset/finish', { flow_id: 'live', code: '123456', password: 'a brand new passphrase' }],
];

/** `value` with `character` inside it, so a prefix check or a trim cannot hide it. */
const spliced = (value: string, character: string) => `${value.slice(0, 3)}${character}${value.slice(3)}`;

describe.each(storageKinds)('the edge against control characters and lone surrogates on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (broker) => {
    await broker.signUp('ada@example.com');
  });

  /** A flow this browser really has open, so a poisoned id would reach the flow lookup. */
  async function liveFlowId() {
    const started = await t.broker.post('/v1/sign-up', { email: 'bo@example.com', password: PASSWORD });
    expect(started.status).toBe(202);
    return started.body.flow_id as string;
  }

  async function settledRowCounts() {
    await t.broker.deps.mail.settled();
    return rowCounts(t.storage);
  }

  it.each(ROUTES)('refuses a NUL, a lone surrogate or a control character in any field of POST %s with a 400 naming it, and writes nothing', async (path, valid) => {
    const flowId = await liveFlowId();
    const body = Object.fromEntries(Object.entries(valid).map(([field, value]) => [field, value === 'live' ? flowId : value]));
    const before = await settledRowCounts();
    for (const field of Object.keys(body)) {
      for (const [what, character] of Object.entries(HOSTILE)) {
        const response = await t.broker.post(path, { ...body, [field]: spliced(body[field]!, character) });
        const context = `${what} in ${field} of ${path}`;
        expect(response.status, context).toBe(400);
        expect(response.headers.get('content-type'), context).toBe('application/problem+json');
        expect(response.body, context).toMatchObject({ code: 'invalid_request', errors: [{ path: field, message: 'Contains a control character or an unpaired surrogate' }] });
        expect(response.setCookies, context).toEqual([]);
      }
    }
    expect(await settledRowCounts()).toEqual(before);
  });

  it('refuses a NUL byte in the flow id with a 400 and writes nothing', async () => {
    const flowId = await liveFlowId();
    const before = await settledRowCounts();
    const response = await t.broker.post('/v1/sign-up/verify', { flow_id: `${flowId}\u0000`, code: '123456' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'flow_id', message: 'Contains a control character or an unpaired surrogate' }]);
    expect(await settledRowCounts()).toEqual(before);
  });

  it('refuses a NUL byte or a lone surrogate in the sign-up name with a 400 and makes no account', async () => {
    const before = await settledRowCounts();
    for (const name of ['Ada\u0000', 'Ada \uD83D']) {
      const response = await t.broker.post('/v1/sign-up', { email: 'new@example.com', password: PASSWORD, name });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'name', message: 'Contains a control character or an unpaired surrogate' }]);
    }
    expect(await settledRowCounts()).toEqual(before);
  });

  it('refuses a control character hidden in a field name', async () => {
    const response = await t.broker.post('/v1/sign-in/password', { email: 'ada@example.com', password: PASSWORD, 'return_to\u0000': 'x' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: '(key)', message: 'Contains a control character or an unpaired surrogate' }]);
  });

  it('still takes names and passwords in any script, with emoji and joiners', async () => {
    const name = 'Zoë 👩‍💻 مريم';
    const started = await t.broker.post('/v1/sign-up', { email: 'zoe@example.com', password: 'ünïcødé päss 🔒 wörd', name });
    expect(started.status).toBe(202);
    await t.broker.deps.mail.settled();
  });

  it('answers a deeply nested body with a 400, not a crash', async () => {
    const depth = 5000;
    const response = await t.broker.call('POST', '/v1/sign-in/identify', { body: `${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_request');
  });
});

describe('forbidden character paths', () => {
  it('names nested fields and array items the way the schema does', () => {
    expect(forbiddenCharacterPaths({ a: 'ok', b: { c: ['fine', 'bad\u0007'] }, d: 'x\uDFFF' })).toEqual(['b.c.1', 'd']);
    expect(forbiddenCharacterPaths('\u0000')).toEqual(['(body)']);
    expect(forbiddenCharacterPaths({ ok: '👩‍💻 \u200D\u202E text', n: 1, t: true, z: null })).toEqual([]);
  });

  it('stops at ten, so a body full of them cannot make a huge answer', () => {
    expect(forbiddenCharacterPaths(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(10);
  });
});
