import { LatchkeyError } from '@latchkey/client';
import { describe, expect, it } from 'vitest';
import { createFakeBroker, FakeBroker } from './index.js';

// The package's public surface as a host app's Node tests use it (the broker's contract
// suite checks the routes themselves against the real broker).

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

describe('@latchkey/testing in Node', () => {
  it('signs a seeded account in through its client', async () => {
    const broker = createFakeBroker({ accounts: { [ADA]: PASSWORD } });
    expect(broker).toBeInstanceOf(FakeBroker);
    const client = broker.client();
    expect(await client.identify({ email: ADA })).toMatchObject({ step: 'password' });
    expect(await client.signInWithPassword({ email: ADA, password: PASSWORD })).toMatchObject({ step: 'done', user: { email: ADA } });
    expect((await client.getSession())?.user.email).toBe(ADA);
    expect(broker.requests).toEqual(['POST /v1/sign-in/identify', 'POST /v1/sign-in/password', 'GET /v1/session']);
  });

  it('answers a scripted failure once, with the broker status', async () => {
    const broker = createFakeBroker({ accounts: { [ADA]: PASSWORD } });
    broker.failNext.set('/v1/sign-in/password', 'rate_limited');
    const refused = await broker.client().signInWithPassword({ email: ADA, password: PASSWORD }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LatchkeyError);
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429 });
    await expect(broker.client().signInWithPassword({ email: ADA, password: PASSWORD })).resolves.toMatchObject({ step: 'done' });
  });

  it('makes an unreachable broker of a network failure', async () => {
    const broker = createFakeBroker();
    broker.failNext.set('/v1/sign-in/identify', 'network');
    await expect(broker.fetch(`${broker.url}/v1/sign-in/identify`, { method: 'POST', body: JSON.stringify({ email: ADA }) })).rejects.toThrow(TypeError);
  });

  it('waits its latency before each answer, from the options or set later', async () => {
    const broker = createFakeBroker({ latency: 60 });
    const timed = async () => {
      const start = performance.now();
      await broker.fetch(`${broker.url}/v1/session`);
      return performance.now() - start;
    };
    expect(await timed()).toBeGreaterThanOrEqual(55);
    broker.latency = 0;
    expect(await timed()).toBeLessThan(55);
  });
});
