import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchingStep, otpauthUri, timeStepOf, totpCode } from './totp.js';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';

// RFC 6238 Appendix B, SHA1: the seed is the ASCII string "12345678901234567890".
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: Array<[seconds: number, eight: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('computes the Appendix B value at T=%i, and its six-digit form', (seconds, eight) => {
    const step = timeStepOf(new Date(seconds * 1000));
    expect(totpCode(SEED, step, 8)).toBe(eight);
    // Six digits are the same truncation modulo 10^6: the last six of the eight.
    expect(totpCode(SEED, step)).toBe(eight.slice(2));
  });

  it('round-trips base32 (RFC 4648 test vectors, no padding)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode('mzxw6ytboi======').toString()).toBe('foobar');
    expect(base32Encode(SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(() => base32Decode('MZXW1')).toThrow();
  });

  it('accepts the current step and one either side, and nothing further', () => {
    const secret = base32Encode(SEED);
    const at = new Date(1111111111 * 1000);
    const now = timeStepOf(at);
    for (const drift of [-1, 0, 1]) expect(matchingStep(secret, totpCode(SEED, now + drift), at)).toBe(now + drift);
    for (const drift of [-2, 2]) expect(matchingStep(secret, totpCode(SEED, now + drift), at)).toBeUndefined();
    expect(matchingStep(secret, '12345', at)).toBeUndefined();
    expect(matchingStep(secret, '1234567', at)).toBeUndefined();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('Acme App', 'ada@example.test', 'JBSWY3DPEHPK3PXP')).toBe(
      'otpauth://totp/Acme%20App:ada%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20App&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('recovery codes', () => {
  it('ignores case, spaces and dashes', () => {
    expect(normalizeRecoveryCode(' AbCde-fGh jk ')).toBe('abcdefghjk');
    expect(hashRecoveryCode('ABCDE FGHJK')).toBe(hashRecoveryCode('abcde-fghjk'));
  });
});
