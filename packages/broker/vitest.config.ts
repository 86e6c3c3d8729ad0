import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '@latchkey/broker',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/test/global-setup.ts'],
    // Each file opens its own database; PGlite is single-threaded WebAssembly, two cores.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
