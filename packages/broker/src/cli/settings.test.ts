import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../index.js';
import { readSettings } from './settings.js';

describe('broker app settings', () => {
  it('runs on the documented defaults with no environment at all', () => {
    const settings = readSettings({}, '/srv/app');
    expect(settings).toMatchObject({ port: 8787, databaseUrl: undefined, dataDir: '/srv/app/.latchkey/data', smtpUrl: undefined });
    expect(settings.config).toMatchObject({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'], dev: false });
  });

  it('turns dev mode on only when LATCHKEY_DEV or the config file asks, whatever NODE_ENV says', () => {
    for (const NODE_ENV of [undefined, 'development', 'test', 'staging']) expect(readSettings({ NODE_ENV }, '/').config.dev).toBe(false);
    expect(readSettings({ LATCHKEY_DEV: '1' }, '/').config.dev).toBe(true);
    expect(readSettings({ LATCHKEY_DEV: '0', NODE_ENV: 'development' }, '/').config.dev).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'lk-settings-'));
    writeFileSync(join(dir, 'latchkey.json'), JSON.stringify({ dev: true }));
    expect(readSettings({ LATCHKEY_CONFIG: 'latchkey.json' }, dir).config.dev).toBe(true);
    expect(readSettings({ LATCHKEY_CONFIG: 'latchkey.json', LATCHKEY_DEV: 'off' }, dir).config.dev).toBe(false);
  });

  it('trusts X-Forwarded-For only for the number of proxies LATCHKEY_TRUSTED_PROXIES names', () => {
    expect(readSettings({}, '/').config.trustedProxies).toBeUndefined();
    expect(readSettings({ LATCHKEY_TRUSTED_PROXIES: '2' }, '/').config.trustedProxies).toBe(2);
    expect(readSettings({ LATCHKEY_TRUSTED_PROXIES: '0' }, '/').config.trustedProxies).toBe(0);
    // The older on/off switch meant one proxy.
    expect(readSettings({ LATCHKEY_TRUST_PROXY: '1' }, '/').config.trustedProxies).toBe(1);
    expect(readSettings({ LATCHKEY_TRUST_PROXY: 'true', LATCHKEY_TRUSTED_PROXIES: '3' }, '/').config.trustedProxies).toBe(3);
    for (const bad of ['yes', '-1', '1.5']) expect(() => readSettings({ LATCHKEY_TRUSTED_PROXIES: bad }, '/')).toThrow(/LATCHKEY_TRUSTED_PROXIES/);
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

  it('reads the address to listen on from LATCHKEY_HOST, none by default', () => {
    expect(readSettings({}, '/').host).toBeUndefined();
    expect(readSettings({ LATCHKEY_HOST: ' 127.0.0.1 ' }, '/').host).toBe('127.0.0.1');
    expect(readSettings({ LATCHKEY_HOST: '' }, '/').host).toBeUndefined();
  });

  it('takes the admin token from LATCHKEY_ADMIN_TOKEN, none by default (the admin API stays off)', () => {
    expect(readSettings({}, '/').config.adminToken).toBeUndefined();
    expect(readSettings({ LATCHKEY_ADMIN_TOKEN: 't'.repeat(40) }, '/').config.adminToken).toBe('t'.repeat(40));
  });

  it('takes the metrics token from LATCHKEY_METRICS_TOKEN, none by default (/metrics only from this machine); the broker wants 32 characters', () => {
    expect(readSettings({}, '/').config.metrics).toBeUndefined();
    expect(readSettings({ LATCHKEY_METRICS_TOKEN: 'm'.repeat(40) }, '/').config.metrics).toEqual({ token: 'm'.repeat(40) });
    expect(() => parseBrokerConfig(readSettings({ LATCHKEY_METRICS_TOKEN: 'short', LATCHKEY_DEV: '1' }, '/').config)).toThrow(/metrics\.token: at least 32 characters/);
  });

  it('logs JSON lines by default, no request lines in dev mode, and as LATCHKEY_LOG says', () => {
    expect(readSettings({}, '/').log).toBe('json');
    expect(readSettings({ LATCHKEY_DEV: '1' }, '/').log).toBe('off');
    expect(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_LOG: 'json' }, '/').log).toBe('json');
    expect(readSettings({ LATCHKEY_LOG: ' Pretty ' }, '/').log).toBe('pretty');
    expect(readSettings({ LATCHKEY_LOG: 'off' }, '/').log).toBe('off');
    expect(() => readSettings({ LATCHKEY_LOG: 'verbose' }, '/')).toThrow(/^LATCHKEY_LOG: verbose is not one of json, pretty, off/);
  });

  it('drains for LATCHKEY_DRAIN_SECONDS after SIGTERM, 0 by default, at most 300', () => {
    expect(readSettings({}, '/').drainSeconds).toBe(0);
    expect(readSettings({ LATCHKEY_DRAIN_SECONDS: '15' }, '/').drainSeconds).toBe(15);
    for (const bad of ['-1', '1.5', 'soon', '301']) expect(() => readSettings({ LATCHKEY_DRAIN_SECONDS: bad }, '/'), bad).toThrow(/^LATCHKEY_DRAIN_SECONDS/);
  });

  it('refuses a port that is not a port', () => {
    expect(() => readSettings({ BROKER_PORT: 'eighty' }, '/')).toThrow(/BROKER_PORT/);
  });

  it('takes the sign-in methods and the passkey RP ID from the environment, over the config file', () => {
    const settings = readSettings({ LATCHKEY_SIGN_IN_METHODS: 'password, passkey', LATCHKEY_RP_ID: 'example.com' }, '/');
    expect(settings.config.signIn?.methods).toEqual(['password', 'passkey']);
    expect(settings.config.passkeys?.rpId).toBe('example.com');
    expect(readSettings({}, '/').config.signIn).toBeUndefined();
  });

  it('takes the step-up window from LATCHKEY_STEP_UP_MAX_AGE_SECONDS, and leaves the default (600) without it', () => {
    expect(readSettings({ LATCHKEY_STEP_UP_MAX_AGE_SECONDS: '90' }, '/').config.stepUp).toEqual({ maxAgeSeconds: 90 });
    expect(readSettings({}, '/').config.stepUp).toBeUndefined();
    // The broker checks the number and names the field: a window under a minute is refused.
    expect(() => parseBrokerConfig(readSettings({ LATCHKEY_STEP_UP_MAX_AGE_SECONDS: '5', LATCHKEY_DEV: '1' }, '/').config)).toThrow(/stepUp/);
  });

  it('takes the idle timeout from LATCHKEY_SESSION_IDLE_TIMEOUT_SECONDS, and leaves it off (0) without it', () => {
    expect(readSettings({ LATCHKEY_SESSION_IDLE_TIMEOUT_SECONDS: '259200' }, '/').config.session).toEqual({ idleTimeoutSeconds: 259_200 });
    expect(readSettings({}, '/').config.session).toBeUndefined();
    expect(parseBrokerConfig(readSettings({ LATCHKEY_DEV: '1' }, '/').config).session).toEqual({ maxAgeSeconds: 30 * 86_400, idleTimeoutSeconds: 0 });
    // Use is recorded at most every 5 minutes, so a timeout under 15 minutes is refused, with the field named.
    expect(() => parseBrokerConfig(readSettings({ LATCHKEY_SESSION_IDLE_TIMEOUT_SECONDS: '60', LATCHKEY_DEV: '1' }, '/').config)).toThrow(/session\.idleTimeoutSeconds/);
  });

  it('takes the page that opens invitations and invite links from LATCHKEY_ORGS_JOIN_URL, checked by the broker', () => {
    expect(readSettings({ LATCHKEY_ORGS_JOIN_URL: 'http://localhost:5173/#sign-up' }, '/').config.orgs).toEqual({ joinUrl: 'http://localhost:5173/#sign-up' });
    expect(readSettings({}, '/').config.orgs).toBeUndefined();
    expect(() => parseBrokerConfig(readSettings({ LATCHKEY_ORGS_JOIN_URL: 'javascript:alert(1)', LATCHKEY_DEV: '1' }, '/').config)).toThrow(/orgs/);
  });

  it('reads the social providers from LATCHKEY_SOCIAL as a JSON array, and names the setting when it is not one', () => {
    const social = [{ id: 'devhub', preset: 'github', client_id: 'c', client_secret: 's' }];
    expect(readSettings({ LATCHKEY_SOCIAL: JSON.stringify(social) }, '/').config.social).toEqual(social);
    expect(() => readSettings({ LATCHKEY_SOCIAL: '{oops' }, '/')).toThrow(/^LATCHKEY_SOCIAL: not valid JSON/);
    expect(() => readSettings({ LATCHKEY_SOCIAL: '{}' }, '/')).toThrow(/^LATCHKEY_SOCIAL: a JSON array/);
  });
});
