import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

// Element tests run in real Chromium: shadow DOM, form submission, focus and
// password-manager-visible light DOM are browser behaviour, not jsdom's.
export default defineConfig({
  // Pre-bundled up front: found mid-run, Vite reloads the page under a running test.
  optimizeDeps: { include: ['@simplewebauthn/browser'] },
  test: {
    name: '@latchkey/elements',
    include: ['src/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
});
