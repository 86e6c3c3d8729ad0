import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type Plugin } from 'vitest/config';
import base from './vitest.config.ts';
// @ts-expect-error plain ESM script without types
import { entries } from './build.mjs';

const pkg = fileURLToPath(new URL('.', import.meta.url));
const src = join(pkg, 'src');
const dist = join(pkg, 'dist');
/** Each published entry's source, to its file in dist/ (dist/sign-in.js for src/sign-in/sign-in.ts). */
const entryFiles = new Map(Object.entries(entries() as Record<string, string>).map(([name, source]) => [source, join(dist, `${name}.js`)]));

/**
 * The element tests against the BUILT package (`pnpm --filter @latchkey/elements build` first):
 * every import of a source module that the build emitted resolves to its dist/ file instead
 * (the tests and their helpers stay source), so the minified templates and styles are what render.
 * `npx vitest run -c packages/elements/vitest.dist.config.ts <test files>`.
 */
const builtModules: Plugin = {
  name: 'latchkey:built-modules',
  enforce: 'pre',
  async resolveId(id, importer, options) {
    if (!importer?.startsWith(src) || !id.startsWith('.')) return undefined;
    const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
    if (!resolved?.id.startsWith(src) || resolved.id.endsWith('.test.ts')) return undefined;
    const built = entryFiles.get(resolved.id) ?? join(dist, relative(src, resolved.id).replace(/\.ts$/, '.js'));
    return existsSync(built) ? built : undefined;
  },
};

export default mergeConfig(base, defineConfig({ plugins: [builtModules], test: { name: '@latchkey/elements (built)' } }));
