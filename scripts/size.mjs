// `pnpm size`: how many bytes a page pays for the elements. Bundles each entry
// the way a host app's bundler would (minified ESM, lit and every dependency
// included, nothing external), then reports raw, gzip and brotli sizes and
// fails past the budgets in DESIGN.md.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What we measure and what each may weigh, gzip bytes. */
export const ENTRIES = [
  { name: 'lk-sign-in', entry: 'packages/elements/src/sign-in/sign-in.ts', budgetGzip: 20_000 },
  { name: 'all elements', entry: 'packages/elements/src/index.ts', budgetGzip: 50_000 },
];

async function bundle(entry) {
  // What users ship is the production build: Vite picks lit's dev build whenever
  // NODE_ENV is not "production" (under Vitest it is "test").
  process.env.NODE_ENV = 'production';
  // An app build with the element as its entry, as a host app that imports it gets:
  // fully minified. (Vite's library mode leaves the whitespace of an ES build, which
  // overstated every figure by about 10 %.)
  const result = await build({
    mode: 'production',
    root,
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: `${root}/${entry}` },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  // Every chunk counts: a lazy chunk (a locale, say) is still bytes we ship.
  return outputs.filter((o) => o.type === 'chunk').map((o) => o.code).join('\n');
}

/** @returns {Promise<Array<{name: string, raw: number, gzip: number, brotli: number, budgetGzip: number}>>} */
export async function measure() {
  const rows = [];
  for (const { name, entry, budgetGzip } of ENTRIES) {
    const code = Buffer.from(await bundle(entry));
    rows.push({
      name,
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      budgetGzip,
    });
  }
  return rows;
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measure();
  console.log('| bundle | raw | gzip | brotli | gzip budget |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${kB(r.raw)} | ${kB(r.gzip)} | ${kB(r.brotli)} | ${kB(r.budgetGzip)} |`);
  }
  const over = rows.filter((r) => r.gzip > r.budgetGzip);
  for (const r of over) console.error(`${r.name} is ${kB(r.gzip)} gzip, over its ${kB(r.budgetGzip)} budget`);
  process.exit(over.length ? 1 : 0);
}
