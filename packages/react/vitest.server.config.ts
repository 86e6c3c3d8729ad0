import { defineConfig } from 'vitest/config';

// Server rendering on plain Node: no window, no document, only Lit's Node build's stand-ins.
export default defineConfig({
  test: {
    name: '@latchkey/react (node)',
    include: ['src/**/*.server.test.tsx'],
    environment: 'node',
  },
});
