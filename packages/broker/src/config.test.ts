import { describe, expect, it } from 'vitest';
import { ConfigError, parseBrokerConfig } from './config.js';

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
    for (const publicUrl of ['https://auth.example.com', 'http://broker.test', 'http://10.0.0.5:8787', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[2001:db8::1]']) {
      expect(() => parseBrokerConfig({ publicUrl, dev: true }), publicUrl).toThrow(ConfigError);
      expect(() => parseBrokerConfig({ publicUrl, dev: true }), publicUrl).toThrow(/\bdev: dev mode is only for a loopback publicUrl/);
    }
    for (const publicUrl of ['http://localhost:8787', 'https://localhost', 'http://127.0.0.1:8787', 'http://127.5.6.7', 'http://127.1:8787', 'http://[::1]:8787', 'http://LOCALHOST:8787/auth']) {
      expect(parseBrokerConfig({ publicUrl, dev: true }).dev, publicUrl).toBe(true);
    }
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
});
