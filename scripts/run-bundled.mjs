// `node scripts/run-bundled.mjs <broker|dev-idp>`: runs that dev service from its bundle
// (dev-bundle.mjs), rebuilding it first when a source is newer, in this same process.
import { pathToFileURL } from 'node:url';
import { bundleEntries, ensureBundle } from './dev-bundle.mjs';

const name = process.argv[2];
if (!Object.hasOwn(bundleEntries, name)) {
  console.error(`usage: node scripts/run-bundled.mjs <${Object.keys(bundleEntries).join('|')}>`);
  process.exit(2);
}
// The service reads its own arguments, as if started on its entry.
process.argv.splice(2, 1);
await import(pathToFileURL(await ensureBundle(name)).href);
