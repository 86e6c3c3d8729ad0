import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: '@latchkey/client', environment: 'node', include: ['src/**/*.test.ts'] } });
