// The broker as `pnpm start` and the e2e suite run it, `node --import tsx scripts/dev-broker.mjs`:
// latchkey-broker (packages/broker/src/cli/main.ts) from source, with a fresh embedded data
// folder first copied from the migrated template (pglite-template.mjs) instead of created.
import { baseDir, readSettings } from '../packages/broker/src/cli/settings.ts';
import { seedDataDirFromTemplate } from './pglite-template.mjs';

let settings;
try {
  settings = readSettings(process.env, baseDir(process.env, process.cwd()));
} catch {
  // A bad setting: latchkey-broker names it below.
}
if (settings && !settings.databaseUrl) {
  // Only ever an optimisation: without the template the broker creates the folder itself.
  await seedDataDirFromTemplate(settings.dataDir).catch((error) => console.warn(`latchkey: not started from the database template: ${error.message}`));
}
await import('../packages/broker/src/cli/main.ts');
