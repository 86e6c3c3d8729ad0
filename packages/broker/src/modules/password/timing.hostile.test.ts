import { describe, expect, it } from 'vitest';
import { storageKinds, type StorageKind, useTestBroker } from '../../test/harness.js';
import { expectSameTime, pairedMedians, timedPost } from '../../test/timing.js';
import { PASSKEY_METHODS, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';

// 200 pairs, as the mailed-code timing tests take: at 100 the median of a shared 2-core CI machine
// still wandered by about a millisecond between runs (1.06 ms once, against a 0.91 ms limit).
const SAMPLES = 200;
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
    const medians = await pairedMedians({ known: 'ada@example.com', unknown: 'nobody@example.com' }, SAMPLES, (email) =>
      timedPost(t.broker, '/v1/sign-in/password', { email, password: 'correct horse battery staple' }),
    (status) => expect(status).toBe(401));
    // Both verify against the dummy hash (~10 ms); what is left is one indexed lookup finding a row or not.
    expectSameTime(medians, 0.5, 'passkey-only − unknown');
  });
});
