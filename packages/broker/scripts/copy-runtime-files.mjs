// After tsc: the files the broker reads from disk at run time, which tsc does not emit,
// copied into dist at the same relative paths (see storage/migrate.ts and email/mailer.ts),
// and the bin made executable.
import { chmodSync, cpSync, readdirSync } from 'node:fs';

const runtimeFiles = ['storage/migrations', 'modules/email/smtp-worker.mjs'];
for (const path of runtimeFiles) cpSync(`src/${path}`, `dist/${path}`, { recursive: true });
if (!readdirSync('dist/storage/migrations').some((name) => name.endsWith('.sql'))) throw new Error('no SQL migrations in dist/storage/migrations');
chmodSync('dist/cli/main.js', 0o755);
