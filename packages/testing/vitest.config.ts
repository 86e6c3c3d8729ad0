import { defineConfig } from 'vitest/config';

// Node, not a browser: a host app's tests (and the contract suite) run the fake there too.
export default defineConfig({ test: { name: '@latchkey/testing', environment: 'node', include: ['src/**/*.test.ts'] } });
