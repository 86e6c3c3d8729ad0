import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: '@latchkey/broker-app', environment: 'node', include: ['src/**/*.test.ts'] } });
