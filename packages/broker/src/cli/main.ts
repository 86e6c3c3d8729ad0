#!/usr/bin/env node
// `latchkey-broker [command]`: the runnable broker. Published compiled (dist/cli/main.js, the
// package's bin); the workspace runs this source through tsx (`pnpm --filter @latchkey/broker start`).
import { ConfigError } from '../index.js';
import { migrateDatabase } from './migrate.js';
import { rotateKeys } from './rotate-keys.js';
import { serve } from './serve.js';
import { baseDir, readSettings } from './settings.js';

const USAGE = `Usage: latchkey-broker [command]

Commands:
  (none), serve        start the broker (PGlite in ./.latchkey/data unless DATABASE_URL is set)
  migrate              apply the database migrations and exit
  rotate-keys [--now]  publish a new signing key that signs in an hour (--now: at once, withdrawing the others)
  help                 show this text

Configuration comes from the environment (BROKER_PORT, LATCHKEY_PUBLIC_URL, LATCHKEY_SECRET,
SMTP_URL, DATABASE_URL, LATCHKEY_DATA_DIR, LATCHKEY_DEV, LATCHKEY_LOG, …) over the JSON file
LATCHKEY_CONFIG names; every variable is listed in docs/environment.md.

Operations: GET /health, GET /ready (503 while stopping), GET /metrics (Prometheus; with
LATCHKEY_METRICS_TOKEN as a bearer token, or from this machine only).`;

const log = (line: string) => console.log(`latchkey: ${line}`);
const settings = () => readSettings(process.env, baseDir(process.env, process.cwd()));

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: () => serve(settings()),
  migrate: () => migrateDatabase(settings(), log),
  'rotate-keys': (args) => rotateKeys(settings(), { immediate: args.includes('--now') }, log),
};

async function main(argv: string[]) {
  const [name = 'serve', ...args] = argv;
  if (['help', '--help', '-h'].includes(name)) return console.log(USAGE);
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`latchkey: unknown command "${name}"\n\n${USAGE}`);
    process.exit(2);
  }
  await command(args);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error instanceof ConfigError ? `latchkey: cannot start: ${error.message}` : `latchkey: ${error.message}`);
  process.exit(1);
});
