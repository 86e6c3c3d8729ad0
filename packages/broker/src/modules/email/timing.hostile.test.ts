import { describe, expect, it } from 'vitest';
import { storageKinds, testBroker, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';
import { expectSameTime, pairedMedians, timedNextRequest, timedPost } from '../../test/timing.js';

const SAMPLES = 200;
const ADDRESSES = { known: 'ada@example.com', unknown: 'nobody@example.com' };

/**
 * An attacker who times the answers learns whether an address has an account
 * when the two paths differ. Samples alternate between a known and an unknown
 * address, so drift on a shared machine hits both alike; mail waits in the
 * queue and is let out between samples, outside the timing.
 */
describe.each(storageKinds)('no account oracle by timing on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, async (b) => {
    await b.signUp('ada@example.com');
    b.cookies.clear();
  });
  const roomy = { limit: 100_000, windowSeconds: 60 };
  const broker = () => testBroker(t.storage, { rateLimits: { perIp: roomy, mailPerAccount: roomy, mailPerDevice: roomy } });

  /**
   * Known − unknown within `floorMs` or 5 % of a typical answer. The answer: within 0.2 ms;
   * measured here 0.00–0.12 ms now, 0.31–0.67 ms when the mail was written before answering,
   * as it used to be. The attacker's next request (`GET /health`, sent as soon as the answer
   * came) must not wait for mail either: whatever the broker does after answering runs on
   * the loop that serves it. Within 0.1 ms; measured here −0.01–0.01 ms now, 0.21–0.49 ms
   * of a typical 0.2–0.32 ms when mail left on the next turn of the loop (`setImmediate`).
   */
  async function compare(b: TestBroker, request: (email: string, i: number) => Promise<{ status: number; took: number }>, floorMs = 0.2, what = 'known − unknown') {
    const medians = await pairedMedians(ADDRESSES, SAMPLES, request, (status) => expect(status).toBeLessThan(300), () => b.deps.mail.settled());
    expectSameTime(medians, floorMs, what);
  }
  const compareNext = (b: TestBroker, request: (email: string, i: number) => Promise<{ status: number; took: number }>) =>
    compare(b, request, 0.1, 'the next request, known − unknown');

  /** Code sign-ins for both addresses, one per sample and their resend wait over. */
  async function openFlows(b: TestBroker) {
    const flows: Record<string, string[]> = { 'ada@example.com': [], 'nobody@example.com': [] };
    for (let i = 0; i < SAMPLES + 10; i++) {
      for (const email of Object.keys(flows)) flows[email]!.push((await b.post('/v1/sign-in/email-code', { email })).body.flow_id);
    }
    await b.deps.mail.settled();
    b.clock.advance(31_000);
    return flows;
  }

  it('takes as long to start a code sign-in for an address without an account', { timeout: 120_000 }, async () => {
    const b = broker();
    await compare(b, (email) => timedPost(b, '/v1/sign-in/email-code', { email }));
  });

  it('delays the next request no more after a code sign-in for an address with an account', { timeout: 120_000 }, async () => {
    const b = broker();
    await compareNext(b, (email) => timedNextRequest(b, () => timedPost(b, '/v1/sign-in/email-code', { email })));
  });

  it("takes as long to start a code sign-in for an address without an account from a browser holding the owner's device cookie", { timeout: 120_000 }, async () => {
    const b = broker();
    expect((await b.post('/v1/sign-in/password', { email: 'ada@example.com', password: 'correct horse battery staple' })).status).toBe(200);
    expect(b.cookies.get('lk_device')).toBeDefined();
    await compare(b, (email) => timedPost(b, '/v1/sign-in/email-code', { email }));
  });

  it('takes as long to start a password reset for an address without an account', { timeout: 120_000 }, async () => {
    const b = broker();
    await compare(b, (email) => timedPost(b, '/v1/password-reset', { email }));
  });

  it('delays the next request no more after a password reset for an address with an account', { timeout: 120_000 }, async () => {
    const b = broker();
    await compareNext(b, (email) => timedNextRequest(b, () => timedPost(b, '/v1/password-reset', { email })));
  });

  it('takes as long to resend a code for an address without an account', { timeout: 120_000 }, async () => {
    const b = broker();
    const flows = await openFlows(b);
    await compare(b, (email, i) => timedPost(b, '/v1/email-code/resend', { flow_id: flows[email]![i]! }));
  });

  it('delays the next request no more after resending a code for an address with an account', { timeout: 120_000 }, async () => {
    const b = broker();
    const flows = await openFlows(b);
    await compareNext(b, (email, i) => timedNextRequest(b, () => timedPost(b, '/v1/email-code/resend', { flow_id: flows[email]![i]! })));
  });
});
