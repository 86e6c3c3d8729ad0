import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './scripts/chromium.mjs';
import { demoSocialProviders } from './scripts/demo-seed.mjs';
import { devServices, type DevService } from './scripts/dev-services.mjs';

// Ports of their own, so the suite runs beside a `pnpm start` on the defaults.
const brokerPort = process.env.E2E_BROKER_PORT ?? '18787';
const demoPort = process.env.E2E_DEMO_PORT ?? '15173';
const devIdpPort = process.env.E2E_DEV_IDP_PORT ?? '18788';
const brokerUrl = `http://localhost:${brokerPort}`;
const demoUrl = `http://localhost:${demoPort}`;
// Another site than the demo and the broker (127.0.0.1, not localhost), as a real IdP is.
const devIdpUrl = `http://127.0.0.1:${devIdpPort}`;
process.env.E2E_BROKER_URL = brokerUrl;
process.env.E2E_DEMO_URL = demoUrl;
process.env.E2E_DEV_IDP_URL = devIdpUrl;
// The e2e fixtures seed the demo (scripts/demo-seed.mjs) through the admin API with it.
const stepUpSeconds = (process.env.E2E_STEP_UP_SECONDS ??= '60');
const adminToken = (process.env.E2E_ADMIN_TOKEN ??= `e2e-admin-${Date.now()}-${Math.random().toString(36).slice(2)}-0123456789abcdef`);

const env = {
  BROKER_PORT: brokerPort,
  DEMO_PORT: demoPort,
  BROKER_URL: brokerUrl,
  DEV_IDP_PORT: devIdpPort,
  LATCHKEY_ADMIN_TOKEN: adminToken,
  LATCHKEY_SOCIAL: JSON.stringify(demoSocialProviders(devIdpUrl)),
  LATCHKEY_ALLOWED_ORIGINS: demoUrl,
  // A fresh embedded database for every run (the broker copies it from the migrated template).
  LATCHKEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'latchkey-e2e-')),
  LATCHKEY_DEV: '1',
  // Passkeys on, with Chromium's virtual authenticator (RP ID: localhost, the demo's host).
  LATCHKEY_SIGN_IN_METHODS: 'password,email-code,passkey',
  // Step-up: the shortest window the broker takes (a minute, not ten), so step-up.spec.ts waits it out
  // quickly; every other journey makes its sensitive changes within a minute of signing in.
  LATCHKEY_STEP_UP_MAX_AGE_SECONDS: stepUpSeconds,
  // Invitations and invite links open the demo's sign-up card.
  LATCHKEY_ORGS_JOIN_URL: `${demoUrl}/#sign-up`,
};

/** The webServer fields that run a service as `pnpm start` does (scripts/dev-services.mjs). */
const run = ({ cwd, args }: DevService) => ({ cwd, command: ['node', ...args].join(' ') });

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Two cores: one browser at a time keeps timings honest.
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: demoUrl,
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      name: 'dev-idp',
      ...run(devServices.devIdp),
      url: `${devIdpUrl}/oidc/.well-known/openid-configuration`,
      env,
      timeout: 60_000,
      reuseExistingServer: false,
    },
    {
      name: 'broker',
      ...run(devServices.broker),
      url: `${brokerUrl}/ready`,
      env,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
    },
    {
      name: 'demo',
      ...run(devServices.demo),
      url: demoUrl,
      env,
      timeout: 60_000,
      reuseExistingServer: false,
    },
  ],
});
