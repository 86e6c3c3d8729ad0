// A migrated embedded database to copy into a fresh data folder, for `pnpm start` and the e2e
// suite: PGlite's initdb and the migrations cost ~4 s, a copy of the 40 MB folder they leave
// a fraction of that (0.4 s on a loaded machine). It is made once per set of migrations and
// PGlite version (their hash names it) in node_modules/.cache/latchkey, from `pnpm install`
// on (package.json's postinstall runs this file) or else on first use. The broker still
// migrates whatever it opens, so a template only ever saves time; the published
// latchkey-broker creates a user's folder itself.
// It opens the database with the broker's own storage code, so it runs under tsx's loader.
import { createHash } from 'node:crypto';
import { constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const migrationsDir = join(repo, 'packages/broker/src/storage/migrations');
const cacheDir = join(repo, 'node_modules/.cache/latchkey');

/** The template's folder: named by the migrations' names and texts and PGlite's version. */
export function pgliteTemplateDir() {
  // The broker's PGlite (its package.json is not among its exports, so read from where pnpm links it).
  const pglite = JSON.parse(readFileSync(join(repo, 'packages/broker/node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  const hash = createHash('sha256').update(`pglite ${pglite.version}\n`);
  for (const name of readdirSync(migrationsDir).filter((n) => n.endsWith('.sql')).sort()) hash.update(`${name}\n`).update(readFileSync(join(migrationsDir, name)));
  return join(cacheDir, `pglite-${hash.digest('hex').slice(0, 16)}`);
}

/** Makes the template unless it is there, and removes those of older migrations. */
export async function ensurePgliteTemplate() {
  const template = pgliteTemplateDir();
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(cacheDir, { recursive: true });
  for (const name of readdirSync(cacheDir)) if (name.startsWith('pglite-')) rmSync(join(cacheDir, name), { recursive: true, force: true });
  // Made aside and renamed into place, so a copy never starts from half a template.
  const building = mkdtempSync(join(cacheDir, 'building-'));
  try {
    const { createPgliteStorage } = await import('../packages/broker/src/storage/pglite.ts');
    const storage = await createPgliteStorage({ dataDir: building });
    await storage.close();
    renameSync(building, template);
  } catch (error) {
    // Another process made it meanwhile: theirs is as good.
    if (!existsSync(join(template, 'PG_VERSION'))) throw error;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/**
 * Copies the template into `dataDir` when that folder is missing or empty (a fresh one);
 * leaves any other folder, a database or not, to the broker.
 * @returns {Promise<boolean>} whether it copied
 */
export async function seedDataDirFromTemplate(dataDir) {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  const template = await ensurePgliteTemplate();
  // Copied beside the folder and renamed into place, so a start stopped mid-copy never leaves
  // half a database to open; asynchronously, so the caller can load the broker meanwhile; as a
  // copy-on-write clone where the file system can (btrfs, XFS, APFS): no 40 MB to write.
  const parent = dirname(resolve(dataDir));
  mkdirSync(parent, { recursive: true });
  const aside = mkdtempSync(join(parent, `.${basename(resolve(dataDir))}-copying-`));
  try {
    await cp(template, aside, { recursive: true, mode: constants.COPYFILE_FICLONE });
    if (existsSync(dataDir)) rmdirSync(dataDir);
    renameSync(aside, dataDir);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
  return true;
}

// `node scripts/pglite-template.mjs` (the postinstall): makes the template.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    (await import('tsx/esm/api')).register();
    console.log(`latchkey: embedded database template ${await ensurePgliteTemplate()} (${Date.now() - started} ms)`);
  } catch (error) {
    // Never fails an install: `pnpm start` makes it on first use instead.
    console.warn(`latchkey: no embedded database template (${error instanceof Error ? error.message : error}); pnpm start makes it on first use`);
  }
}
