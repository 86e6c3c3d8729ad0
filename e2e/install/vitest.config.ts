import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `pnpm test:install`: the packed tarballs installed into fresh projects outside the workspace
// (a plain HTML page on the CDN module, a Vite + React app, a Vue app's type check, a Node
// backend), each as a user would do it. Not part of the root `vitest run`: it packs and
// installs from the registry, so it runs once, after the other suites (`pnpm test`).
export default defineConfig({
  test: {
    name: 'install',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['*.test.ts'],
    globalSetup: ['global-setup.ts'],
    environment: 'node',
    // npm installs and builds: minutes, not seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    teardownTimeout: 30_000,
  },
});
