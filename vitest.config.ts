import { defineConfig } from 'vitest/config';

// One `vitest run` runs every package's own project (see each vitest.config.ts; @latchkey/react
// adds its server and React 18 projects), and
// `storybook` and `storybook:dark`: every story's play function and axe check in Chromium, per theme.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'packages/react/vitest.*.config.ts', 'apps/*/vitest.config.ts', 'scripts/vitest.config.ts', 'stories/vitest.config.ts', 'stories/vitest.dark.config.ts'],
  },
});
