// `pnpm release`: publishes every package whose version Changesets has bumped
// (`pnpm changeset` to describe a change, `pnpm changeset version` to apply them).
// `pnpm release --dry-run` publishes nothing: it builds and packs every package as the
// registry would get it, lists each tarball's files and sizes, and shows the pending changesets.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packAll, tarballEntries } from './pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

if (process.argv.includes('--dry-run')) {
  const packs = await packAll();
  for (const pack of packs) {
    console.log(`\n${pack.name}@${pack.version} would publish ${pack.files} files:`);
    for (const entry of tarballEntries(pack.file)) console.log(`  ${entry.path} (${entry.size} B)`);
  }
  console.log('\nPending changesets (the versions `pnpm changeset version` would set):');
  run('pnpm', ['exec', 'changeset', 'status', '--verbose']);
} else {
  run('pnpm', ['build']);
  // Changesets publishes with pnpm, which applies publishConfig and rewrites workspace: ranges.
  run('pnpm', ['exec', 'changeset', 'publish']);
}
