import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import browser from './vitest.config.js';

/** Where this package's React 18 aliases (`react18`, `react-dom18` in devDependencies) are installed. */
const installed = (name: string) => fileURLToPath(new URL(`./node_modules/${name}`, import.meta.url));

// The browser tests again with React 18: `react` and `react-dom` (the wrappers' own imports,
// the tests', and react-dom's import of react) resolve to React 18, as in an app that has it.
export default mergeConfig(
  browser,
  defineConfig({
    resolve: {
      alias: [
        { find: /^react$/, replacement: installed('react18') },
        { find: /^react\/(.*)$/, replacement: `${installed('react18')}/$1` },
        { find: /^react-dom$/, replacement: installed('react-dom18') },
        { find: /^react-dom\/(.*)$/, replacement: `${installed('react-dom18')}/$1` },
      ],
    },
    test: { name: '@latchkey/react 18', provide: { reactMajor: '18' } },
  }),
);
