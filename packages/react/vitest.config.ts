import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

// The wrappers in real Chromium, with React 19 (the `react` this package installs);
// vitest.react18.config.ts runs the same tests with React 18, and vitest.server.config.ts
// renders every wrapper on Node, where there is no DOM.
export default defineConfig({
  // Pre-bundled up front: found mid-run, Vite reloads the page under a running test.
  optimizeDeps: { include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', '@lit/react'] },
  test: {
    name: '@latchkey/react',
    include: ['src/**/*.browser.test.tsx'],
    provide: { reactMajor: '19' },
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
});
