import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

// Element tests run in real Chromium: shadow DOM, form submission, focus and
// password-manager-visible light DOM are browser behaviour, not jsdom's.
export default defineConfig({
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
