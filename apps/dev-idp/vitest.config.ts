import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: '@latchkey/dev-idp', environment: 'node', include: ['src/**/*.test.ts'] } });
