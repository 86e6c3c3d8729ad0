import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { createPgliteStorage } from '../index.js';
import { migrations } from '../storage/migrate.js';
// The repository's migrated embedded-database template (what `pnpm start` copies): a served broker's
// fresh folder starts from it, as PGlite's initdb costs seconds of CPU a test on a loaded machine.
import { seedDataDirFromTemplate } from '../../../../scripts/pglite-template.mjs';

const main = join(import.meta.dirname, 'main.ts');

/** Runs `latchkey-broker ...args` as an operator would, with only `env`, and returns how it stopped. */
async function run(args: string[], env: Record<string, string>) {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'lk-main-')), 'data');
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_PORT: '18787', LATCHKEY_DATA_DIR: dataDir };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr, dataDir };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, dataDir };
  }
}
const start = (env: Record<string, string>) => run([], env);

/** A free port, asked of the system: a fixed one would collide with other brokers on this machine. */
async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Serves the broker in dev mode on a fresh data folder and a free port (with `extra` settings), resolving once it listens. */
async function serve(extra: Record<string, string> = {}) {
  const port = await freePort();
  const dataDir = join(mkdtempSync(join(tmpdir(), 'lk-main-')), 'data');
  // Only the serving tests start from the template; `migrate` above creates its folder itself.
  await seedDataDirFromTemplate(dataDir);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_PORT: String(port), LATCHKEY_DATA_DIR: dataDir, LATCHKEY_DEV: '1', ...extra };
  const app: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', main], { env });
  const out = { stdout: '' };
  app.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk));
  await expect.poll(() => out.stdout, { timeout: 60_000, interval: 100 }).toMatch(/Broker listening/);
  return { app, port, dataDir, out };
}

const exitOf = (app: ChildProcessWithoutNullStreams) => Promise.race([once(app, 'exit'), sleep(30_000).then(() => ['still running 30 s after SIGTERM'])]);

describe('latchkey-broker commands', () => {
  it('names an unknown command, shows the usage and exits 2, touching nothing', async () => {
    const out = await run(['frobnicate'], {});
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^latchkey: unknown command "frobnicate"/);
    expect(out.stderr).toMatch(/Usage: latchkey-broker \[command\]/);
    expect(existsSync(out.dataDir)).toBe(false);
  });

  it('shows the usage on --help and exits 0', async () => {
    const out = await run(['--help'], {});
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: latchkey-broker \[command\]/);
    expect(out.stdout).toMatch(/migrate/);
    expect(existsSync(out.dataDir)).toBe(false);
  });

  it('migrate creates a fresh embedded database with every migration applied, and exits 0', { timeout: 90_000 }, async () => {
    const out = await run(['migrate'], {});
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`The database is migrated: ${migrations.length} migrations applied, the latest ${migrations.at(-1)!.name}.`);
    // Read with PGlite itself: opening through createPgliteStorage would migrate on its own.
    const pg = await PGlite.create({ dataDir: out.dataDir });
    try {
      const applied = await pg.query<{ name: string }>(`SELECT name FROM latchkey_migrations ORDER BY name`);
      expect(applied.rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
    } finally {
      await pg.close();
    }
  });
});

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
    const { app, port, dataDir } = await serve();
    try {
      const signUp = await fetch(`http://localhost:${port}/v1/sign-up`, {
        method: 'POST',
        headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple' }),
      });
      expect(signUp.status).toBe(202);
      // At once: the code mail waits in the queue for a random 0.1–1.1 s.
      app.kill('SIGTERM');
      expect((await exitOf(app))[0]).toBe(0);
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

  it('answers a request in flight when SIGTERM arrives, then exits 0', { timeout: 90_000 }, async () => {
    const { app, port, out } = await serve();
    try {
      const body = JSON.stringify({ email: 'grace@example.com', password: 'correct horse battery staple' });
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => (answer += `[${error.code}]`));
      // Expect: 100-continue makes the server say when it holds the request, so the signal surely comes mid-request.
      socket.write(
        `POST /v1/sign-up HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: http://localhost:5173\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      await expect.poll(() => answer, { timeout: 10_000, interval: 20 }).toMatch(/^HTTP\/1\.1 100 Continue/);
      app.kill('SIGTERM');
      await expect.poll(() => out.stdout, { timeout: 10_000, interval: 20 }).toMatch(/SIGTERM: stopping/);
      // Stopped listening: a new connection is refused…
      await expect.poll(() => fetch(`http://127.0.0.1:${port}/ready`).then(() => 'answered', () => 'refused'), { timeout: 10_000, interval: 100 }).toBe('refused');
      // …while the request already in flight is still answered in full.
      socket.write(body);
      await expect.poll(() => answer, { timeout: 20_000, interval: 50 }).toMatch(/HTTP\/1\.1 202 Accepted/);
      expect((await exitOf(app))[0]).toBe(0);
      socket.destroy();
    } finally {
      app.kill('SIGKILL');
    }
  });

  it('answers /ready 503 from SIGTERM on while still serving for LATCHKEY_DRAIN_SECONDS, logging JSON lines', { timeout: 90_000 }, async () => {
    const { app, port, out } = await serve({ LATCHKEY_DRAIN_SECONDS: '3', LATCHKEY_LOG: 'json' });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      app.kill('SIGTERM');
      await expect.poll(() => out.stdout, { timeout: 10_000, interval: 20 }).toMatch(/SIGTERM: stopping/);
      // Draining: a new connection is still served, and /ready tells the load balancer to stop sending more.
      const ready = await fetch(`${url}/ready`, { headers: { 'x-request-id': 'probe-after-sigterm' } });
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toBe('application/problem+json');
      expect((await ready.json()).code).toBe('not_ready');
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await exitOf(app))[0]).toBe(0);
      // Every line on stdout is one JSON object: the start and stop lines, and a line per request.
      const lines = out.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.find((line) => /^Broker listening/.test(String(line.msg)))).toMatchObject({ level: 'info' });
      expect(lines.find((line) => line.request_id === 'probe-after-sigterm')).toMatchObject({ msg: 'request', method: 'GET', route: '/ready', status: 503 });
    } finally {
      app.kill('SIGKILL');
    }
  });
});
