import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackUrl, parseBrokerConfig } from './config.js';

describe('broker configuration', () => {
  it('names the bad field', () => {
    expect(() => parseBrokerConfig({ publicUrl: 'not a url' })).toThrow(/publicUrl/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', allowedOrigins: ['ftp://x'] })).toThrow(/allowedOrigins\.0/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', token: { ttlSeconds: 3600 } })).toThrow(/token\.ttlSeconds/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', secret: 'short' })).toThrow(ConfigError);
  });

  it('requires a secret outside dev mode', async () => {
    const { createBroker } = await import('./broker.js');
    const storage = {} as Parameters<typeof createBroker>[0]['storage'];
    expect(() => createBroker({ publicUrl: 'https://auth.example.com', storage })).toThrow(/secret: required outside dev mode/);
    expect(() => createBroker({ publicUrl: 'http://localhost:8787', storage, dev: true })).not.toThrow();
  });

  it('refuses to start outside dev mode without a mail transport, naming SMTP_URL', async () => {
    const { createBroker } = await import('./broker.js');
    const storage = {} as Parameters<typeof createBroker>[0]['storage'];
    const production = { publicUrl: 'https://auth.example.com', secret: 's'.repeat(32), storage };
    expect(() => createBroker(production)).toThrow(ConfigError);
    expect(() => createBroker(production)).toThrow(/SMTP_URL/);
    expect(() => createBroker({ ...production, mailer: { send: async () => {} } })).not.toThrow();
    // Dev mode alone keeps mail in the outbox by default.
    expect(() => createBroker({ publicUrl: 'http://localhost:8787', storage, dev: true })).not.toThrow();
  });

  it('refuses dev mode on a public URL that is not this machine', () => {
    for (const publicUrl of ['https://auth.example.com', 'http://broker.test', 'http://10.0.0.5:8787', 'http://localhost.example.com', 'http://auth.localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[2001:db8::1]']) {
      expect(() => parseBrokerConfig({ publicUrl, dev: true }), publicUrl).toThrow(ConfigError);
      expect(() => parseBrokerConfig({ publicUrl, dev: true }), publicUrl).toThrow(/\bdev: dev mode is only for a loopback publicUrl/);
    }
    for (const publicUrl of ['http://localhost:8787', 'https://localhost', 'http://127.0.0.1:8787', 'http://127.5.6.7', 'http://127.1:8787', 'http://[::1]:8787', 'http://LOCALHOST:8787/auth', 'http://auth.latchkey.localhost:8787']) {
      expect(parseBrokerConfig({ publicUrl, dev: true }).dev, publicUrl).toBe(true);
    }
    // A name under localhost is this machine to a browser, not to Node's resolver: never a loopback to send requests to.
    expect(isLoopbackUrl('http://auth.latchkey.localhost:8787')).toBe(false);
    // Outside dev mode any public URL will do.
    expect(parseBrokerConfig({ publicUrl: 'https://auth.example.com' }).dev).toBe(false);
  });

  it('trusts no proxy unless told how many there are', () => {
    expect(parseBrokerConfig({ publicUrl: 'http://localhost:8787' }).trustedProxies).toBe(0);
    expect(parseBrokerConfig({ publicUrl: 'http://localhost:8787', trustedProxies: 2 }).trustedProxies).toBe(2);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', trustedProxies: -1 })).toThrow(/trustedProxies/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', trustedProxies: 1.5 })).toThrow(/trustedProxies/);
  });

  it('fills defaults and normalizes origins', () => {
    const config = parseBrokerConfig({ publicUrl: 'http://localhost:8787/', allowedOrigins: ['http://localhost:5173/some/path'] });
    expect(config.publicUrl).toBe('http://localhost:8787');
    expect(config.allowedOrigins).toEqual(['http://localhost:5173']);
    expect(config.token.ttlSeconds).toBe(300);
    expect(config.dev).toBe(false);
  });

  it("refuses new passwords made of the service's name, by default latchkey; a word too short to mean anything is named", () => {
    expect(parseBrokerConfig({ publicUrl: 'http://localhost:8787' }).passwords.contextWords).toEqual(['latchkey']);
    expect(parseBrokerConfig({ publicUrl: 'http://localhost:8787', passwords: { contextWords: [' Acme ', 'ＡＣＭＥ Cloud', 'latchkey'] } }).passwords.contextWords).toEqual(['acme', 'acme cloud', 'latchkey']);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', passwords: { contextWords: ['ok'] } })).toThrow(/passwords\.contextWords\.0: a context word needs at least 3 characters/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', passwords: { contextWords: 'acme' } })).toThrow(/passwords\.contextWords/);
  });

  it("gives trusted devices budgets of their own and keeps the device cookie a year, at most the browsers' 400 days", () => {
    const config = parseBrokerConfig({ publicUrl: 'http://localhost:8787' });
    expect(config.rateLimits.passwordPerDevice).toEqual({ limit: 10, windowSeconds: 900, backoff: { free: 3, baseSeconds: 1, maxSeconds: 60 } });
    expect(config.rateLimits.codeFailuresPerDevice).toEqual({ limit: 10, windowSeconds: 86_400 });
    expect(config.rateLimits.mailPerDevice).toEqual({ limit: 5, windowSeconds: 900 });
    expect(config.deviceCookie.maxAgeSeconds).toBe(365 * 86_400);
    expect(parseBrokerConfig({ publicUrl: 'http://localhost:8787', deviceCookie: { maxAgeSeconds: 30 * 86_400 } }).deviceCookie.maxAgeSeconds).toBe(30 * 86_400);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', deviceCookie: { maxAgeSeconds: 401 * 86_400 } })).toThrow(/deviceCookie\.maxAgeSeconds/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', deviceCookie: { maxAgeSeconds: 0 } })).toThrow(/deviceCookie\.maxAgeSeconds/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', rateLimits: { passwordPerDevice: { limit: 0, windowSeconds: 900 } } })).toThrow(/rateLimits\.passwordPerDevice\.limit/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', rateLimits: { codeFailuresPerDevice: { limit: 10 } } })).toThrow(/rateLimits\.codeFailuresPerDevice\.windowSeconds/);
    expect(() => parseBrokerConfig({ publicUrl: 'http://localhost:8787', rateLimits: { mailPerDevice: { limit: 1.5, windowSeconds: 900 } } })).toThrow(/rateLimits\.mailPerDevice\.limit/);
  });

  describe('passkeys', () => {
    const withPasskeys = (extra: object) => parseBrokerConfig({ publicUrl: 'https://auth.example.com', signIn: { methods: ['password', 'passkey'] }, ...extra });

    it('are off unless the sign-in methods list them or an RP ID is set', () => {
      expect(parseBrokerConfig({ publicUrl: 'https://auth.example.com', allowedOrigins: ['https://a.example.com', 'https://b.example.org'] }).passkeys).toBeNull();
    });

    it('with an RP ID and no passkey sign-in method, are on as a second factor while sign-in leaves them out', () => {
      const config = parseBrokerConfig({ publicUrl: 'https://auth.example.com', allowedOrigins: ['https://app.example.com'], passkeys: { rpId: 'example.com' } });
      expect(config.passkeys).toMatchObject({ rpId: 'example.com', origins: ['https://app.example.com'] });
      expect(config.signIn.methods).toEqual(['password', 'email-code']);
    });

    it('default to the one host every origin shares, its name, user verification required and five-minute ceremonies', () => {
      expect(withPasskeys({ allowedOrigins: ['https://app.example.com', 'https://app.example.com:8443'] }).passkeys).toEqual({
        rpId: 'app.example.com',
        rpName: 'app.example.com',
        origins: ['https://app.example.com', 'https://app.example.com:8443'],
        userVerification: 'required',
        attestation: 'none',
        timeoutMs: 300_000,
      });
      // With no host pages, the broker's own origin.
      expect(withPasskeys({}).passkeys).toMatchObject({ rpId: 'auth.example.com', origins: ['https://auth.example.com'] });
      expect(withPasskeys({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'] }).passkeys?.rpId).toBe('localhost');
    });

    it('take a registrable domain that every origin is on or under', () => {
      const config = withPasskeys({ allowedOrigins: ['https://app.example.com', 'https://www.example.com'], passkeys: { rpId: 'Example.COM', rpName: 'Example' } });
      expect(config.passkeys).toMatchObject({ rpId: 'example.com', rpName: 'Example' });
      expect(withPasskeys({ passkeys: { rpId: 'example.com', origins: ['https://example.com'] } }).passkeys?.origins).toEqual(['https://example.com']);
    });

    it('refuse to start with an RP ID that no origin, or not every origin, can use', () => {
      const refused = (extra: object, message: RegExp) => expect(() => withPasskeys(extra), JSON.stringify(extra)).toThrow(message);
      refused({ allowedOrigins: ['https://app.example.com', 'https://app.example.org'] }, /passkeys\.rpId: required: the passkey origins .* have different hosts/);
      refused({ allowedOrigins: ['https://app.example.com', 'https://app.example.org'], passkeys: { rpId: 'example.com' } }, /passkeys\.origins: https:\/\/app\.example\.org is not on example\.com/);
      // A suffix must end at a label: app.example.com is not under ample.com.
      refused({ allowedOrigins: ['https://app.example.com'], passkeys: { rpId: 'ample.com' } }, /passkeys\.origins: https:\/\/app\.example\.com is not on ample\.com/);
      refused({ allowedOrigins: ['https://example.com'], passkeys: { rpId: 'app.example.com' } }, /is not on app\.example\.com/);
      for (const rpId of ['com', 'co.uk', 'github.io', 'vercel.app']) refused({ allowedOrigins: [`https://x.${rpId}`], passkeys: { rpId } }, /passkeys\.rpId: .* is a public suffix/);
      refused({ allowedOrigins: ['http://127.0.0.1:5173'] }, /passkeys\.rpId: 127\.0\.0\.1 is an IP address/);
      refused({ allowedOrigins: ['http://[::1]:5173'] }, /passkeys\.rpId: \[::1\] is an IP address/);
      refused({ passkeys: { rpId: 'exa mple.com' } }, /passkeys\.rpId: .* is not a domain name/);
    });

    it('check an RP ID that is set even while sign-in offers no passkeys', () => {
      expect(() => parseBrokerConfig({ publicUrl: 'https://auth.example.com', passkeys: { rpId: 'example.org' } })).toThrow(/passkeys\.origins/);
    });
  });
});
