import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, 'main.ts');

/** Starts the broker app as an operator would, with only `env`, and returns how it stopped. */
async function start(env: Record<string, string>) {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'lk-main-')), 'data');
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_PORT: '18787', LATCHKEY_DATA_DIR: dataDir };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', main], { env: { ...base, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr, dataDir };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, dataDir };
  }
}

describe('broker app start-up', () => {
  it('refuses to start in production without SMTP_URL, saying so, before touching the database', async () => {
    const run = await start({ LATCHKEY_PUBLIC_URL: 'https://auth.example.com', LATCHKEY_SECRET: 's'.repeat(32), NODE_ENV: 'development' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^latchkey: cannot start: SMTP_URL is not set/m);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(run.dataDir)).toBe(false);
  });

  it('refuses dev mode on a public URL that is not this machine', async () => {
    const run = await start({ LATCHKEY_DEV: '1', LATCHKEY_PUBLIC_URL: 'https://auth.example.com' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot start: latchkey config: dev: dev mode is only for a loopback publicUrl/);
    expect(existsSync(run.dataDir)).toBe(false);
  });
});
