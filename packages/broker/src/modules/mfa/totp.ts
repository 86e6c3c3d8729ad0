import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * TOTP (RFC 6238) as every authenticator app speaks it: HMAC-SHA1, six digits,
 * 30-second steps from the Unix epoch, a 160-bit secret (RFC 4226 §4 asks for
 * at least 128, recommends 160) written in base32 (RFC 4648, no padding).
 */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648 §6) without padding, as authenticator apps take a key typed in by hand. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The bytes of a base32 secret (case and padding ignored). Throws on a character outside the alphabet. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.toUpperCase().replace(/=+$/, '')) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret: 20 random bytes, in base32 (32 characters). */
export const newTotpSecret = (): string => base32Encode(randomBytes(SECRET_BYTES));

/** The RFC 6238 time step of `at`. */
export const timeStepOf = (at: Date): number => Math.floor(at.getTime() / 1000 / PERIOD_SECONDS);

/**
 * The HOTP value (RFC 4226 §5.3) of `secret` at counter `step`, `digits` long:
 * the dynamic truncation of HMAC-SHA1, modulo 10^digits.
 *
 * @example
 * totpCode(Buffer.from('12345678901234567890'), timeStepOf(new Date(59_000)), 8); // '94287082' (RFC 6238 Appendix B)
 */
export function totpCode(secret: Buffer, step: number, digits = DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The time step whose code `code` is, among the current one and one step each
 * side (RFC 6238 §5.2: one step of drift for clocks and typing), or undefined.
 * Every candidate is computed and compared in constant time, so the time taken
 * tells nothing about which step (or how many digits) matched. The caller still
 * has to take the step once (`useTotpStep`): this only says which one it is.
 */
export function matchingStep(secretBase32: string, code: string, at: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const secret = base32Decode(secretBase32);
  const given = Buffer.from(code);
  const now = timeStepOf(at);
  let matched: number | undefined;
  for (const step of [now - 1, now, now + 1]) {
    if (timingSafeEqual(Buffer.from(totpCode(secret, step)), given)) matched = step;
  }
  return matched;
}

/**
 * The `otpauth://` URI an authenticator app reads from a QR code (the Key Uri
 * Format of Google Authenticator): the label `issuer:account`, the issuer again
 * as a parameter (apps that read only one of them agree), and the parameters
 * spelled out, though they are the defaults, for apps that assume otherwise.
 *
 * @example
 * otpauthUri('Latchkey', 'ada@example.test', 'JBSWY3DPEHPK3PXP');
 * // otpauth://totp/Latchkey:ada%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=Latchkey&algorithm=SHA1&digits=6&period=30
 */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(DIGITS), period: String(PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, '%20')}`;
}
