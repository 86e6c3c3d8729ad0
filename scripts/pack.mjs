// `pnpm pack:all [dir]`: builds every published package and packs each into one folder, the
// tarballs a registry would serve (workspace:* ranges rewritten to versions, publishConfig's
// exports and bin applied), then prints each one's tarball and unpacked size. The outside-the-
// workspace tests (e2e/install) install these, and `pnpm release --dry-run` shows them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The workspace packages that are published: under packages/, without `private`. */
export function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

/** Files and their sizes in a .tgz, read from the tar headers (512-byte blocks, size in octal at 124). */
export function tarballEntries(file) {
  const tar = gunzipSync(readFileSync(file));
  const entries = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.toString('utf8', at + 124, at + 136).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = tar.toString('utf8', at + 156, at + 157);
    if (type === '0' || type === '\0') entries.push({ path: name.replace(/^package\//, ''), size });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/**
 * Packs every published package into `into` (built first unless `build` is false).
 * @returns {Promise<Array<{ name: string, version: string, file: string, tarball: number, unpacked: number, files: number }>>}
 */
export async function packAll({ into = mkdtempSync(join(tmpdir(), 'latchkey-packs-')), build = true, log = console.log } = {}) {
  mkdirSync(into, { recursive: true });
  if (build) execFileSync('pnpm', ['build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const packs = [];
  for (const pkg of publishedPackages()) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', into, '--json'], { cwd: pkg.dir, encoding: 'utf8' });
    // pnpm prints the JSON after any lifecycle output.
    const { filename } = JSON.parse(out.slice(out.indexOf('{')));
    const file = resolve(into, filename);
    const entries = tarballEntries(file);
    packs.push({ name: pkg.name, version: pkg.version, file, tarball: statSync(file).size, unpacked: entries.reduce((n, e) => n + e.size, 0), files: entries.length });
  }
  writeFileSync(join(into, 'packs.json'), JSON.stringify(packs, null, 2));
  log(table(packs));
  log(`\nTarballs in ${into}`);
  return packs;
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

function table(packs) {
  const rows = [['package', 'version', 'tarball', 'unpacked', 'files'], ...packs.map((p) => [p.name, p.version, kB(p.tarball), kB(p.unpacked), String(p.files)])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv.slice(2).find((a) => !a.startsWith('-'));
  await packAll({ into: dir ? resolve(dir) : undefined, build: !process.argv.includes('--no-build') });
}
