// The broker and the dev IdP as `pnpm start` and the e2e suite run them: each entry bundled
// with esbuild into one JavaScript file in node_modules/.cache/latchkey/bundles, because
// TypeScript through tsx's loader costs ~1–2 s of start-up (a transform per source file, and
// tsx's hooks on every import). A bundle holds our own sources (the workspace packages
// included) and the dependencies, but those that load files next to their own (`keptOutside`).
// A bundle is rebuilt when one of the files it was made from is newer than it or gone (a stat
// of each, a few ms), so an edit shows on the next start. Made at postinstall, else on first use.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bundlesDir = join(repo, 'node_modules/.cache/latchkey/bundles');

/** The entries, relative to the repository. */
export const bundleEntries = {
  broker: 'scripts/dev-broker.mjs',
  'dev-idp': 'apps/dev-idp/src/main.ts',
};

/**
 * Dependencies left outside a bundle, imported from where pnpm put them: those that load files
 * next to their own (PGlite's wasm and data, argon2's native module, the xmllint wasm). Every
 * other dependency is bundled: resolving and loading ~400 files one by one (CommonJS ones lexed
 * for their exports) cost the broker ~0.7 s of its start, oidc-provider the dev IdP ~0.2 s.
 */
export const keptOutside = [/^@electric-sql\/pglite/, /^@node-rs\//, /^@authenio\/samlify-xmllint-wasm/];

/** Where the bundle `name` and its list of inputs live. */
export function bundlePaths(name, dir = bundlesDir) {
  return { bundle: join(dir, `${name}.mjs`), manifest: join(dir, `${name}.inputs.json`) };
}

const mtimeOf = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/**
 * Whether the bundle at `paths` must be (re)built: it or its list of inputs is missing, or
 * one of those inputs (sources, and the dependency files it imports) is newer than it or gone.
 * @param {{ bundle: string, manifest: string }} paths
 */
export function bundleIsStale(paths) {
  const built = mtimeOf(paths.bundle);
  if (built === undefined) return true;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(paths.manifest, 'utf8')).inputs;
  } catch {
    return true;
  }
  if (!Array.isArray(inputs)) return true;
  return inputs.some((input) => {
    const mtime = mtimeOf(input);
    return mtime === undefined || mtime > built;
  });
}

/** esbuild, which tsx brings (no dependency of our own: it is the one tsx already runs). */
async function loadEsbuild() {
  const fromTsx = createRequire(fileURLToPath(import.meta.resolve('tsx/esm/api')));
  return import(pathToFileURL(fromTsx.resolve('esbuild')).href);
}

/**
 * Bundles `entry` (absolute) into `paths.bundle`. The dependencies `keptOutside` stay
 * imports, of the file each resolves to from where it is written; `import.meta.url` in our
 * sources keeps meaning the source file, for the files read next to it (migrations, keys).
 */
export async function buildBundle(entry, paths) {
  const esbuild = await loadEsbuild();
  const externals = new Set();
  const dependenciesOutside = {
    name: 'dependencies-outside',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.resolving || args.path.startsWith('node:') || !keptOutside.some((kept) => kept.test(args.path))) return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { resolving: true } });
        if (found.errors.length > 0 || !found.path || found.external) return found.errors.length > 0 ? { errors: found.errors } : undefined;
        // Node built-ins (esbuild marks them external with platform node) pass through above.
        externals.add(found.path);
        return { path: pathToFileURL(found.path).href, external: true };
      });
      build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents: source, loader: args.path.endsWith('ts') ? 'ts' : 'js', resolveDir: dirname(args.path) };
      });
    },
  };
  // Built in a folder aside and renamed into place (the map first), so a start running
  // meanwhile never loads half a bundle.
  mkdirSync(dirname(paths.bundle), { recursive: true });
  const aside = mkdtempSync(`${paths.bundle}.building-`);
  const built = join(aside, basename(paths.bundle));
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: built,
      // For `node --enable-source-maps`; a file beside the bundle, which V8 then need not scan.
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'error',
      plugins: [dependenciesOutside],
      // Bundled CommonJS dependencies call require() for Node's built-ins.
      banner: { js: `import { createRequire as __latchkeyRequire } from 'node:module'; const require = __latchkeyRequire(import.meta.url);` },
    });
    const inputs = [...Object.keys(result.metafile.inputs).map((input) => join(repo, input)), ...externals, fileURLToPath(import.meta.url)];
    writeFileSync(paths.manifest, `${JSON.stringify({ entry: relative(repo, entry), inputs }, null, 1)}\n`);
    // The map names its sources relative to where it was built: absolute, so they hold after the move.
    const map = JSON.parse(readFileSync(`${built}.map`, 'utf8'));
    map.sources = map.sources.map((source) => pathToFileURL(resolve(aside, source)).href);
    writeFileSync(`${built}.map`, JSON.stringify(map));
    renameSync(`${built}.map`, `${paths.bundle}.map`);
    renameSync(built, paths.bundle);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

/**
 * The path of the bundle `name` (a key of `bundleEntries`), built first when stale.
 * @returns {Promise<string>}
 */
export async function ensureBundle(name) {
  const paths = bundlePaths(name);
  if (bundleIsStale(paths)) await buildBundle(join(repo, bundleEntries[name]), paths);
  return paths.bundle;
}

// `node scripts/dev-bundle.mjs [name…]` (the postinstall: all): builds the bundles that are stale.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(bundleEntries);
  for (const name of names) {
    const started = Date.now();
    try {
      console.log(`latchkey: ${name} bundle ${await ensureBundle(name)} (${Date.now() - started} ms)`);
    } catch (error) {
      // Never fails an install: `pnpm start` builds it on first use instead.
      console.warn(`latchkey: no ${name} bundle (${error instanceof Error ? error.message : error}); pnpm start builds it on first use`);
    }
  }
}
