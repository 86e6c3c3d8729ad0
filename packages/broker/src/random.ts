import { randomBytes, randomInt } from 'node:crypto';

/** An opaque id with a readable prefix: `usr_…`, `ses_…`, `flw_…`. 128 random bits. */
export const randomId = (prefix: string) => `${prefix}_${randomBytes(16).toString('base64url')}`;

/** 256 random bits, base64url: cookie secrets and generated keys. */
export const randomSecret = () => randomBytes(32).toString('base64url');

/** Six uniformly random digits (no modulo bias: randomInt rejects out-of-range draws). */
export const randomCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
