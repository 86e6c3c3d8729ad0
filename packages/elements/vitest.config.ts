import { defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

/**
 * Takes lk-sign-in's step chunks off the network for the calling test's frame only (other
 * test files' frames keep loading theirs), as a dropped connection does; `false` puts them back.
 */
const offlineSteps: BrowserCommand<[offline: boolean]> = async (ctx, offline) => {
  const frame = await ctx.frame();
  const steps = /\/src\/sign-in\/steps\//;
  await ctx.page.unroute(steps);
  if (offline) await ctx.page.route(steps, (route) => (route.request().frame() === frame ? route.abort('internetdisconnected') : route.fallback()));
};

// Element tests run in real Chromium: shadow DOM, form submission, focus and
// password-manager-visible light DOM are browser behaviour, not jsdom's.
export default defineConfig({
  // Pre-bundled up front: found mid-run, Vite reloads the page under a running test.
  optimizeDeps: { include: ['@simplewebauthn/browser', 'lit/directives/live.js'] },
  test: {
    name: '@latchkey/elements',
    include: ['src/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
      commands: { offlineSteps },
    },
  },
});
