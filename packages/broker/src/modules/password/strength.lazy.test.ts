import { afterEach, expect, it, vi } from 'vitest';
import { openTestStorage, testBroker } from '../../test/harness.js';

const ZXCVBN = ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'];

afterEach(() => {
  for (const name of ZXCVBN) vi.doUnmock(name);
  vi.resetModules();
});

it('loads zxcvbn and its dictionaries on the first new password, not when the broker starts, and once', async () => {
  vi.resetModules();
  const loaded: string[] = [];
  for (const name of ZXCVBN) {
    vi.doMock(name, async (importOriginal) => {
      loaded.push(name);
      return importOriginal();
    });
  }
  const storage = await openTestStorage('pglite');
  const broker = testBroker(storage);
  try {
    // A broker that serves requests without taking a new password never loads them.
    expect((await broker.post('/v1/sign-in/identify', { email: 'ada@example.com' })).status).toBe(200);
    expect((await broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'short' })).body.errors[0].reason).toBe('too_short');
    expect(loaded).toEqual([]);

    const [first, second] = await Promise.all([
      broker.post('/v1/sign-up', { email: 'ada@example.com', password: 'Passw0rd!' }),
      broker.browser({ ip: '198.51.100.9' }).post('/v1/sign-up', { email: 'bo@example.com', password: 'Qwerty123!' }),
    ]);
    expect([first.body.errors[0].reason, second.body.errors[0].reason]).toEqual(['common', 'common']);
    expect(loaded.sort()).toEqual(ZXCVBN);

    expect((await broker.post('/v1/sign-up', { email: 'cy@example.com', password: 'correct horse battery staple' })).status).toBe(202);
    expect(loaded).toHaveLength(ZXCVBN.length);
  } finally {
    await broker.deps.mail.settled();
    await storage.drop();
  }
});
