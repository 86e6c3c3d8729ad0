import { describe, expect, it } from 'vitest';
import { keyEncryptionKey, unsealPrivateKey } from '../modules/sessions/sealed-key.js';
import { seal, sealingKey, unseal } from './sealing.js';

const SECRET = 'a-broker-secret-of-at-least-32-characters';

describe('sealing secrets at rest', () => {
  it('opens with the same secret, purpose and row id', () => {
    const kek = sealingKey(SECRET, 'connection-secret');
    expect(unseal(kek, 'con_1', seal(kek, 'con_1', 'client-secret-value'))).toBe('client-secret-value');
  });

  it('does not open a value sealed for another purpose, even with the same secret and id', () => {
    const sealed = seal(sealingKey(SECRET, 'signing-key'), 'con_1', 'value');
    expect(() => unseal(sealingKey(SECRET, 'connection-secret'), 'con_1', sealed)).toThrow(/sealed connection-secret of con_1 cannot be opened/);
  });

  it('does not open in another row, under another secret, or after any byte changed', () => {
    const kek = sealingKey(SECRET, 'connection-secret');
    const sealed = seal(kek, 'con_1', 'value');
    expect(() => unseal(kek, 'con_2', sealed)).toThrow(/cannot be opened/);
    expect(() => unseal(sealingKey('another-secret-of-at-least-32-characters', 'connection-secret'), 'con_1', sealed)).toThrow(/cannot be opened/);
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[3]!, 'base64url');
    tag[0]! ^= 1;
    expect(() => unseal(kek, 'con_1', [...parts.slice(0, 3), tag.toString('base64url')].join('.'))).toThrow(/cannot be opened/);
  });

  it('still opens signing keys sealed before the helper was shared (same derivation for `signing-key`)', () => {
    // Made by the signing-key sealer of migration 003's time, before it moved into crypto/sealing.ts.
    const legacy =
      'v1.ZGXabgpcp1JDkSvf.lkPJZMwDBwmqZ32arnnDymXQgqBsbnUE5y818JMaQEVzMuQKrHQ8r909doLKSB-l7QGvpUmP-OLKI9IHE6yk.tOSNWDtgWnv7rc2QS-aKEA';
    expect(unsealPrivateKey(keyEncryptionKey(SECRET), 'key_legacy', legacy)).toEqual({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private-scalar' });
  });
});
