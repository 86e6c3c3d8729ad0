// `pnpm --filter @latchkey/elements build`: the package as users install it, from a clean state.
//   dist/    one ES module per element (each registers only its element), index.js (all of them),
//            config.js and localization.js; lazy steps, sections and locales as chunks in
//            dist/chunks/; bare imports (lit, @lit/*, the client, …) left to the user's bundler,
//            templates and CSS minified, the JS otherwise readable, with source maps; the
//            declarations (tsc) and the Vue / Preact / Solid types from the manifest.
//   cdn/     latchkey.js: index.ts with every dependency and lazy chunk inlined, fully minified,
//            for a <script type="module"> with no bundler; each translation a file of its own
//            (cdn/locales/<code>.js) that loads only when the page asks for its language.
//   custom-elements.json  the Custom Elements Manifest (custom-elements-manifest.config.mjs).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import { generateVuejsTypes } from 'custom-element-vuejs-integration';
import { generateJsxTypes } from 'custom-element-jsx-integration';
import { generateSolidJsTypes } from 'custom-element-solidjs-integration';

const pkg = dirname(fileURLToPath(import.meta.url));
const root = join(pkg, '../..');
const require = createRequire(import.meta.url);
const src = (path) => join(pkg, 'src', path);

/** The published entries: the keys of package.json's `exports` (less `.js`), each to its source. */
export function entries() {
  const { exports } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([key, target]) => target.endsWith('.ts'))
      .map(([key, target]) => [key === '.' ? 'index' : key.replace(/^\.\/|\.js$/g, ''), join(pkg, target)]),
  );
}

/** The translations: src/locales/<code>.ts, less the generated list of codes. */
const locales = readdirSync(src('locales'))
  .filter((f) => f.endsWith('.ts') && f !== 'locale-codes.ts')
  .map((f) => f.replace(/\.ts$/, ''));

/** Bare imports the user's bundler resolves (and dedupes with the app's own lit). */
const isBare = (id) => /^(lit|@lit|@lit-labs|@simplewebauthn\/browser|@latchkey\/client|uqr)(\/|$)/.test(id);

/** Lit templates and css`` minified (whitespace, comments); only our sources, not node_modules. */
const minifyTemplates = () => minifyHTML({ include: [`${pkg}/src/**/*.ts`], failOnError: true });

/** Vite resolves lit's production exports only when NODE_ENV says production (under Vitest it is "test"). */
const production = () => {
  process.env.NODE_ENV = 'production';
};

const common = {
  root: pkg,
  configFile: false,
  logLevel: 'warn',
  mode: 'production',
  // No copying of a public/ folder into the output.
  publicDir: false,
};

/** dist/ (or `outDir`, as `pnpm size` builds its own copy): the library build. */
export async function buildDist(outDir = join(pkg, 'dist')) {
  production();
  await build({
    ...common,
    plugins: [minifyTemplates()],
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      // Readable: the user's bundler minifies (templates and CSS are, above).
      minify: false,
      sourcemap: true,
      lib: { entry: entries(), formats: ['es'] },
      rollupOptions: {
        external: isBare,
        // One file per source module (src/x/y.ts → dist/x/y.js, beside its y.d.ts), so the modules that
        // register an element are known by name (package.json `sideEffects`); the entries keep their names.
        output: { entryFileNames: '[name].js', preserveModules: true, preserveModulesRoot: 'src' },
      },
    },
  });
}

/**
 * latchkey.js imports each translation as `./locales/<code>.js` beside it, kept as a plain
 * `import()` that the browser resolves against latchkey.js's own URL (any CDN path works).
 */
const localesBeside = {
  name: 'latchkey:locales-beside',
  enforce: 'pre',
  resolveId(id, importer) {
    const match = /^\.\.\/locales\/([\w-]+)\.js$/.exec(id);
    if (match && importer?.endsWith('/internal/localization.ts') && locales.includes(match[1])) return { id: `./locales/${match[1]}.js`, external: true };
    return undefined;
  },
};

/** cdn/ (or `outDir`): latchkey.js and locales/<code>.js. */
export async function buildCdn(outDir = join(pkg, 'cdn')) {
  production();
  const cdn = {
    ...common,
    build: { emptyOutDir: false, target: 'es2022', minify: true, sourcemap: false, modulePreload: false },
  };
  await build({
    ...cdn,
    plugins: [localesBeside, minifyTemplates()],
    build: {
      ...cdn.build,
      outDir,
      lib: { entry: { latchkey: src('index.ts') }, formats: ['es'] },
      // One file: every lazy step, section and helper inlined (the translations are external, above).
      rollupOptions: { output: { entryFileNames: '[name].js', codeSplitting: false } },
    },
  });
  // Each translation alone, with the few bytes of @lit/localize's `str` it uses inlined.
  for (const code of locales) {
    await build({
      ...cdn,
      build: {
        ...cdn.build,
        outDir: join(outDir, 'locales'),
        lib: { entry: { [code]: src(`locales/${code}.ts`) }, formats: ['es'] },
        rollupOptions: { output: { entryFileNames: '[name].js' } },
      },
    });
  }
}

/** The declarations, by tsc from tsconfig.build.json (the HTMLElementTagNameMap augmentations come with them). */
function buildTypes() {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/**
 * custom-elements.json by the workspace's analyzer config (its output dir is the CLI's
 * --outdir), its module paths made the package's (the declarations in dist), then the
 * framework types generated from it into dist.
 */
function buildManifest() {
  const cem = require.resolve('@custom-elements-manifest/analyzer/cem.js');
  execFileSync(process.execPath, [cem, 'analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs', '--outdir', relative(root, pkg)], { cwd: root, stdio: 'inherit' });
  const file = join(pkg, 'custom-elements.json');
  const toPackage = (path) => path.replace(/^packages\/elements\/src\/(.*)\.ts$/, 'dist/$1.d.ts');
  const manifest = JSON.parse(readFileSync(file, 'utf8'), (key, value) => (typeof value === 'string' && (key === 'path' || key === 'module') ? toPackage(value) : value));
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  // Every element class is exported from index.d.ts; paths are relative to outdir (dist).
  const options = { outdir: join(pkg, 'dist'), globalTypePath: './index.js', hideLogs: true };
  generateVuejsTypes(manifest, { ...options, fileName: 'vue.d.ts' });
  const vue = join(pkg, 'dist', 'vue.d.ts');
  writeFileSync(vue, fitVueTypes(readFileSync(vue, 'utf8')));
  generateJsxTypes(manifest, { ...options, fileName: 'jsx-types.d.ts' });
  generateSolidJsTypes(manifest, { ...options, fileName: 'solid-types.d.ts' });
  // The Vue file augments 'vue' itself; the JSX ones export the types, and these put them in each JSX.
  // Solid's is Solid 1's JSX namespace in 'solid-js', which the integration targets (Solid 2 moved
  // it to @solidjs/web); test/types/ type-checks Preact, Solid 1 and Vue against these.
  // Event handlers are typed by the detail each `@event {Detail} name` tag names (the index exports it).
  for (const [name, module, types] of [['preact', 'preact', 'jsx-types'], ['solid', 'solid-js', 'solid-types']]) {
    writeFileSync(
      join(pkg, 'dist', `${name}.d.ts`),
      `// Typed <lk-*> elements in ${module}'s JSX: \`import type {} from '@latchkey/elements/${name}'\` once in the app.\nimport type { CustomElements } from './${types}.js';\n\ndeclare module '${module}' {\n  namespace JSX {\n    interface IntrinsicElements extends CustomElements {}\n  }\n}\n`,
    );
  }
}

/**
 * vue-tsc matches a template's attributes and `@event`s to a component's props by their camelCase
 * names (`sign-up-url` → signUpUrl, `@lk-signed-in` → onLkSignedIn), as Vue itself does; the
 * integration writes them as HTML spells them, so with `strictTemplates` every one of them was
 * "unknown". It also imports an event's detail type once per element that fires it, which a
 * project without skipLibCheck refuses as duplicate identifiers.
 */
export function fitVueTypes(text) {
  const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  return text
    .replace(/^(\s*)"on(lk-[a-z0-9-]+)"\?:/gm, (_, indent, event) => `${indent}on${camel(`-${event}`)}?:`)
    .replace(/^(\s*)"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"\?:/gm, (_, indent, name) => `${indent}${camel(name)}?:`)
    .replace(/import type \{([^}]*)\} from "\.\/index\.js";/, (_, names) => `import type { ${[...new Set(names.split(',').map((n) => n.trim()).filter(Boolean))].join(', ')} } from "./index.js";`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const out of ['dist', 'cdn', 'custom-elements.json']) rmSync(join(pkg, out), { recursive: true, force: true });
  await buildDist();
  await buildCdn();
  buildTypes();
  buildManifest();
}
