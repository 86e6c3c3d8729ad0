import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { onP256 } from './strict-checks.js';

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const G = { x: '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', y: '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5' };

describe('P-256 public key validation by the curve equation', () => {
  it('accepts the generator and keys that OpenSSL makes', () => {
    expect(onP256(b64(G.x), b64(G.y))).toBe(true);
    for (let i = 0; i < 20; i++) {
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      expect(onP256(jwk.x!, jwk.y!)).toBe(true);
    }
  });

  it('refuses a point moved off the curve, and coordinates not reduced modulo p', () => {
    const y = BigInt(`0x${G.y}`);
    expect(onP256(b64(G.x), b64((y + 1n).toString(16).padStart(64, '0')))).toBe(false);
    expect(onP256(b64(G.x), b64((P - y).toString(16).padStart(64, '0')))).toBe(true); // −G is on the curve too
    // y + p satisfies the equation modulo p but is not a field element (SEC 1 §3.2.2.1 step 2).
    expect(onP256(b64(G.x), b64((y + P).toString(16).padStart(66, '0')))).toBe(false);
    expect(onP256(b64('00'.repeat(32)), b64('00'.repeat(32)))).toBe(false);
  });
});
