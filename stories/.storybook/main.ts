import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');

/**
 * The docs pages read the Custom Elements Manifest (custom-elements-manifest.config.mjs).
 * It is generated, not committed, so it can never lag the JSDoc it comes from: every
 * `pnpm storybook`, `pnpm build-storybook` and Vitest project that loads this file writes it
 * anew (about a second). It is written beside and renamed into place, and only when it
 * changed, so a Storybook or a second Vitest project reading it never sees half a file.
 */
function writeManifest() {
  const cem = createRequire(import.meta.url).resolve('@custom-elements-manifest/analyzer/cem.js');
  // cem takes outdir relative to its working directory.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const scratch = mkdtempSync(join(root, 'node_modules/.cache/latchkey-cem-'));
  try {
    execFileSync(process.execPath, [cem, 'analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs', '--outdir', relative(root, scratch)], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const fresh = join(scratch, 'custom-elements.json');
    const target = join(here, 'generated/custom-elements.json');
    let current: string | undefined;
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === readFileSync(fresh, 'utf8')) return;
    mkdirSync(dirname(target), { recursive: true });
    const staged = `${target}.${process.pid}.tmp`;
    copyFileSync(fresh, staged);
    renameSync(staged, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

writeManifest();

const config: StorybookConfig = {
  stories: ['../*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  core: { disableTelemetry: true },
};

export default config;
