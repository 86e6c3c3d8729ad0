import { describe, expect, it } from 'vitest';
import { isRecent } from './recent.js';

const now = new Date('2026-12-06T10:10:00Z');
const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();

describe('isRecent (step-up window)', () => {
  it('takes any factor proven within the window when the account has no second factor', () => {
    expect(isRecent([{ method: 'pwd', at: at(9) }], now, 600, false)).toBe(true);
    expect(isRecent([{ method: 'email_code', at: at(0) }], now, 600, false)).toBe(true);
  });

  it('refuses a sign-in older than the window', () => {
    expect(isRecent([{ method: 'pwd', at: at(11) }], now, 600, false)).toBe(false);
    expect(isRecent([{ method: 'pwd', at: at(11) }, { method: 'otp', at: at(11) }], now, 600, true)).toBe(false);
  });

  it('asks an account with a second factor for a recent second factor, not only a password', () => {
    expect(isRecent([{ method: 'pwd', at: at(1) }], now, 600, true)).toBe(false);
    expect(isRecent([{ method: 'pwd', at: at(30) }, { method: 'otp', at: at(1) }], now, 600, true)).toBe(true);
    expect(isRecent([{ method: 'passkey', at: at(2), synced: true }], now, 600, true)).toBe(true);
    expect(isRecent([{ method: 'recovery_code', at: at(2) }], now, 600, true)).toBe(true);
    expect(isRecent([{ method: 'otp', at: at(12) }, { method: 'pwd', at: at(1) }], now, 600, true)).toBe(false);
  });

  it('has nothing recent in no factors at all', () => {
    expect(isRecent([], now, 600, false)).toBe(false);
  });
});
