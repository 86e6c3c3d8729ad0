import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

// The docs pages read the Custom Elements Manifest (custom-elements-manifest.config.mjs).
// It is generated, not committed, so it can never lag the JSDoc it comes from: every
// `pnpm storybook`, `pnpm build-storybook` and Vitest run that loads this file writes it anew
// (about a second).
const cem = createRequire(import.meta.url).resolve('@custom-elements-manifest/analyzer/cem.js');
execFileSync(process.execPath, [cem, 'analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const config: StorybookConfig = {
  stories: ['../*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  core: { disableTelemetry: true },
};

export default config;
