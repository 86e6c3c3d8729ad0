import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, storageKinds, type StorageKind, type TestBroker, useTestBroker } from '../../test/harness.js';
import { PASSKEY_METHODS, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';

const SAMPLES = 100;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor(sorted.length / 2)]! + sorted[Math.ceil(sorted.length / 2) - 1]!) / 2;
};

async function timedPost(b: TestBroker, path: string, json: unknown): Promise<{ status: number; took: number }> {
  const init = { method: 'POST', headers: { origin: APP_ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify(json) };
  const env = { incoming: { socket: { remoteAddress: b.ip } } };
  const started = performance.now();
  const response = await b.app.request(path, init, env);
  const took = performance.now() - started;
  await response.arrayBuffer();
  return { status: response.status, took };
}

/**
 * A passkey-only account has no password hash. A password tried for it must be
 * refused like one for an address without an account — the same answer after
 * the same work (a full argon2id verification against a dummy hash) — or the
 * time would tell who has an account.
 */
describe.each(storageKinds)('no account oracle by timing for passkey-only accounts on %s', (kind: StorageKind) => {
  const roomy = { limit: 100_000, windowSeconds: 60 };
  const t = useTestBroker(
    kind,
    async (b) => {
      await signUpWithPasskey(b, new SoftAuthenticator(), 'ada@example.com');
      b.cookies.clear();
    },
    { signIn: { methods: [...PASSKEY_METHODS] }, rateLimits: { perIp: roomy, passwordPerAccountAndIp: roomy, passwordPerAccount: roomy } },
  );

  it('takes as long to refuse a password for a passkey-only account as for an unknown address', { timeout: 120_000 }, async () => {
    const differences: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < SAMPLES + 10; i++) {
      const took: Record<string, number> = {};
      for (const email of i % 2 ? ['ada@example.com', 'nobody@example.com'] : ['nobody@example.com', 'ada@example.com']) {
        const answer = await timedPost(t.broker, '/v1/sign-in/password', { email, password: 'correct horse battery staple' });
        expect(answer.status).toBe(401);
        took[email] = answer.took;
      }
      if (i >= 10) {
        differences.push(took['ada@example.com']! - took['nobody@example.com']!);
        all.push(took['ada@example.com']!, took['nobody@example.com']!);
      }
    }
    const difference = median(differences);
    const typical = median(all);
    // Both verify against the dummy hash (~10 ms); what is left is one indexed lookup finding a row or not.
    expect(Math.abs(difference), `passkey-only − unknown: median ${difference.toFixed(3)} ms of a typical ${typical.toFixed(3)} ms`).toBeLessThan(Math.max(0.5, 0.05 * typical));
  });
});
