import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { BrokerConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { brokerCookie } from '../sessions/cookie.js';
import type { Browser } from './browser.js';

/**
 * Device cookies (OWASP Authentication Cheat Sheet, "Slow Down Online Guessing
 * Attacks with Device Cookies"). A browser that signed in to an account gets an
 * entry for it; a request that presents a valid entry for the account it
 * targets spends a budget of that device (`rateLimits.*PerDevice`) instead of
 * the per-account budgets, which any stranger from any number of addresses can
 * spend. So strangers can lock out every browser but the owner's.
 *
 * An entry is stateless: `nonce.issuedAt.mac`, where mac = HMAC-SHA-256 under
 * the broker secret of a purpose label, a random nonce, the issue time and the
 * account's normalized email. It is keyed by the email, as every budget is,
 * rather than by user id: checking it then needs no account lookup, so it costs
 * the same for an address with an account as for one without, and the email
 * itself never appears in the cookie. A device budget is keyed by the nonce,
 * so a copied cookie shares that one small budget and nothing more.
 */
const PURPOSE = 'latchkey/device-cookie/v1';

/** Accounts one browser stays trusted for: signing in as B keeps A's entry (the oldest goes first). */
export const DEVICE_ENTRIES_MAX = 5;

/** How far an entry's issue time may lie ahead of this instance's clock (another instance issued it). */
const CLOCK_SKEW_SECONDS = 300;

const ENTRY = /^([\w-]{22})\.(\d{1,12})\.([\w-]{43})$/;
const SEPARATOR = '~';

/** One entry of a device cookie as the browser sent it; nothing about it is trusted until `trustedDevice` checks it. */
export interface DeviceEntry {
  nonce: string;
  /** Unix seconds. */
  issuedAt: number;
  mac: string;
}

/** The device cookie (`__Host-lk_device` over https), kept for `deviceCookie.maxAgeSeconds`. */
export const deviceCookie = (config: BrokerConfig) => brokerCookie(config, 'lk_device');

/** The well-formed entries of a device cookie, at most `DEVICE_ENTRIES_MAX`; anything else in it is ignored. */
export function parseDeviceCookie(value: string | undefined): DeviceEntry[] {
  if (!value) return [];
  const entries: DeviceEntry[] = [];
  for (const raw of value.split(SEPARATOR, DEVICE_ENTRIES_MAX)) {
    const match = ENTRY.exec(raw);
    if (match) entries.push({ nonce: match[1]!, issuedAt: Number(match[2]), mac: match[3]! });
  }
  return entries;
}

const format = (entry: DeviceEntry) => `${entry.nonce}.${entry.issuedAt}.${entry.mac}`;

/** The purpose label keeps this HMAC apart from every other the broker makes under the same secret (code hashes). */
const deviceMac = (secret: string, nonce: string, issuedAt: number, email: string) =>
  createHmac('sha256', secret).update(`${PURPOSE}\0${nonce}\0${issuedAt}\0${email}`).digest();

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Within the configured lifetime: a copied cookie stops working when the browser would have dropped it. */
function fresh(config: BrokerConfig, entry: DeviceEntry, now: number): boolean {
  return entry.issuedAt <= now + CLOCK_SKEW_SECONDS && entry.issuedAt > now - config.deviceCookie.maxAgeSeconds;
}

function issuedFor(secret: string, entry: DeviceEntry, email: string): boolean {
  // Compared as text: decoding would let the last character's unused bits vary (both are 43 characters).
  const expected = deviceMac(secret, entry.nonce, entry.issuedAt, email).toString('base64url');
  return timingSafeEqual(Buffer.from(entry.mac), Buffer.from(expected));
}

/**
 * The device nonce of this browser's valid entry for `email` (the normalized
 * email the request targets), or undefined: a forged or tampered entry, one
 * issued for another account, and an expired one are all no entry at all.
 * Every entry is checked, without stopping at a match, and nothing is read
 * from the database: the work depends on the cookie alone, never on whether
 * the address has an account.
 */
export async function trustedDevice(deps: Deps, browser: Browser, email: string): Promise<string | undefined> {
  if (browser.devices.length === 0) return undefined;
  const secret = await deps.secret();
  const now = seconds(deps.clock());
  let trusted: string | undefined;
  for (const entry of browser.devices) {
    const valid = issuedFor(secret, entry, email) && fresh(deps.config, entry, now);
    if (valid && trusted === undefined) trusted = entry.nonce;
  }
  return trusted;
}

/**
 * Sets the device cookie after a sign-in to `email` opened a session: a new
 * entry (a new nonce, so a fresh device budget) first, this account's older
 * entry dropped, expired ones dropped, the other accounts' kept up to
 * `DEVICE_ENTRIES_MAX`. Called only by `answerStep` on `done`: a browser never
 * gets an entry without signing in, so no answer before that differs by it.
 */
export async function trustDevice(c: Context, deps: Deps, browser: Browser, email: string): Promise<void> {
  const secret = await deps.secret();
  const now = seconds(deps.clock());
  const nonce = randomBytes(16).toString('base64url');
  const issued: DeviceEntry = { nonce, issuedAt: now, mac: deviceMac(secret, nonce, now, email).toString('base64url') };
  const others = browser.devices.filter((entry) => fresh(deps.config, entry, now) && !issuedFor(secret, entry, email));
  const value = [issued, ...others].slice(0, DEVICE_ENTRIES_MAX).map(format).join(SEPARATOR);
  const cookie = deviceCookie(deps.config);
  setCookie(c, cookie.name, value, { ...cookie.attributes, maxAge: deps.config.deviceCookie.maxAgeSeconds });
}
