// The broker as `pnpm start` and the e2e suite run it (bundled: run-bundled.mjs, dev-bundle.mjs):
// latchkey-broker (packages/broker/src/cli/main.ts) from source, with a fresh embedded data
// folder first copied from the migrated template (pglite-template.mjs) instead of created.
import { setFlagsFromString } from 'node:v8';
import { baseDir, readSettings } from '../packages/broker/src/cli/settings.ts';
import { seedDataDirFromTemplate } from './pglite-template.mjs';

// PGlite's start runs a great deal of Postgres's WebAssembly once each; with V8's default budget
// much of it is optimised (TurboFan) at once, on the two cores the demo and the dev IdP start on,
// for nothing: a budget 100 times larger halves the CPU of opening the database (~1.0 -> ~0.5 s),
// and what stays hot (queries) is still optimised a little later.
setFlagsFromString('--wasm-tiering-budget=180000000');

let settings;
try {
  settings = readSettings(process.env, baseDir(process.env, process.cwd()));
} catch {
  // A bad setting: latchkey-broker names it below.
}
// Only ever an optimisation: without the template the broker creates the folder itself.
const seeding =
  settings && !settings.databaseUrl
    ? seedDataDirFromTemplate(settings.dataDir).catch((error) => console.warn(`latchkey: not started from the database template: ${error.message}`))
    : undefined;
// The broker's modules load (~0.3 s) while the template is copied; it runs once the copy is done.
await import('../packages/broker/src/index.ts');
await seeding;
await import('../packages/broker/src/cli/main.ts');
