import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: '@latchkey/server', environment: 'node', include: ['src/**/*.test.ts'] } });
