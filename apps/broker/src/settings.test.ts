import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';

describe('broker app settings', () => {
  it('runs on the documented defaults with no environment at all', () => {
    const settings = readSettings({}, '/srv/app');
    expect(settings).toMatchObject({ port: 8787, databaseUrl: undefined, dataDir: '/srv/app/.latchkey/data', smtpUrl: undefined });
    expect(settings.config).toMatchObject({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'], dev: true });
  });

  it('takes the environment over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-settings-'));
    writeFileSync(join(dir, 'latchkey.json'), JSON.stringify({ publicUrl: 'https://auth.from-file.test', allowedOrigins: ['https://a.test'], token: { ttlSeconds: 120 } }));
    const settings = readSettings({ LATCHKEY_CONFIG: 'latchkey.json', LATCHKEY_ALLOWED_ORIGINS: 'https://b.test, https://c.test', NODE_ENV: 'production' }, dir);
    expect(settings.config).toMatchObject({ publicUrl: 'https://auth.from-file.test', allowedOrigins: ['https://b.test', 'https://c.test'], dev: false, token: { ttlSeconds: 120 } });
  });

  it('follows BROKER_PORT and DEMO_PORT, and PostgreSQL when DATABASE_URL is set', () => {
    const settings = readSettings({ BROKER_PORT: '9000', DEMO_PORT: '6000', DATABASE_URL: 'postgres://db/latchkey', LATCHKEY_DEV: '0' }, '/');
    expect(settings).toMatchObject({ port: 9000, databaseUrl: 'postgres://db/latchkey' });
    expect(settings.config).toMatchObject({ publicUrl: 'http://localhost:9000', allowedOrigins: ['http://localhost:6000'], dev: false });
  });

  it('refuses a port that is not a port', () => {
    expect(() => readSettings({ BROKER_PORT: 'eighty' }, '/')).toThrow(/BROKER_PORT/);
  });
});
