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
    expect(() => createBroker({ publicUrl: 'https://auth.example.com', storage, dev: true })).not.toThrow();
  });

  it('fills defaults and normalizes origins', () => {
    const config = parseBrokerConfig({ publicUrl: 'http://localhost:8787/', allowedOrigins: ['http://localhost:5173/some/path'] });
    expect(config.publicUrl).toBe('http://localhost:8787');
    expect(config.allowedOrigins).toEqual(['http://localhost:5173']);
    expect(config.token.ttlSeconds).toBe(300);
    expect(config.dev).toBe(false);
  });
});
