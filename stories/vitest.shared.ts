import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { chromiumLaunchOptions } from '../scripts/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The Vitest project that runs every story as a test in Chromium: it renders, its play
 * function reaches the designer's state and asserts it, then axe-core checks the result
 * (`a11y: { test: 'error' }` in .storybook/preview.ts). One project per theme, because
 * colour contrast is a property of each.
 */
export function storybookProject(theme: 'light' | 'dark') {
  return defineConfig({
    plugins: [storybookTest({ configDir: join(here, '.storybook'), initialGlobals: { theme } })],
    test: {
      name: theme === 'light' ? 'storybook' : `storybook:${theme}`,
      setupFiles: [join(here, 'visual.setup.ts')],
      browser: {
        enabled: true,
        headless: true,
        provider: playwright({ launchOptions: chromiumLaunchOptions() }),
        instances: [{ browser: 'chromium' }],
        screenshotFailures: false,
      },
    },
  });
}
