import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPgliteStorage } from '../index.js';

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

  it('sends the mail still queued when stopped with SIGTERM, before closing the database', { timeout: 90_000 }, async () => {
    // A free port, asked of the system: a fixed one would collide with other brokers on this machine.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const dataDir = join(mkdtempSync(join(tmpdir(), 'lk-main-')), 'data');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_PORT: String(port), LATCHKEY_DATA_DIR: dataDir, LATCHKEY_DEV: '1' };
    const app = spawn(process.execPath, ['--import', 'tsx', main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      app.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      await expect.poll(() => stdout, { timeout: 60_000, interval: 100 }).toMatch(/Broker listening/);
      const signUp = await fetch(`http://localhost:${port}/v1/sign-up`, {
        method: 'POST',
        headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple' }),
      });
      expect(signUp.status).toBe(202);
      // At once: the code mail waits in the queue for a random 0.1–1.1 s.
      app.kill('SIGTERM');
      const exited = await Promise.race([once(app, 'exit'), sleep(30_000).then(() => ['still running 30 s after SIGTERM'])]);
      expect(exited[0]).toBe(0);
    } finally {
      app.kill('SIGKILL');
    }
    const storage = await createPgliteStorage({ dataDir });
    try {
      const mail = await storage.query<{ subject: string }>(`SELECT subject FROM mail_outbox WHERE recipient = $1`, ['ada@example.com']);
      expect(mail).toEqual([{ subject: 'Confirm your email address' }]);
    } finally {
      await storage.close();
    }
  });
});
