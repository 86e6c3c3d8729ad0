import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { packAll } from '../../scripts/pack.mjs';
import { freshProject, npmInstall, userEnv, type Packs } from './project.js';

declare module 'vitest' {
  export interface ProvidedContext {
    packs: Packs;
    brokerUrl: string;
    /** Ports for the pages under test: the broker allows their origins. */
    pagePorts: { cdn: number; react: number };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Packs every package (scripts/pack.mjs builds them first), then starts the broker the way a
 * user does: its tarball installed into an empty folder, `npx latchkey-broker` there, on the
 * embedded database in that folder's `.latchkey/data`, dev mode for the outbox.
 */
export default async function setup(project: TestProject) {
  const packs = Object.fromEntries((await packAll({ into: mkdtempSync(join(tmpdir(), 'latchkey-packs-')) })).map((p) => [p.name, p.file]));
  const pagePorts = { cdn: await freePort(), react: await freePort() };
  const brokerPort = await freePort();
  const brokerUrl = `http://localhost:${brokerPort}`;

  const dir = freshProject('broker', packs, { ours: ['@latchkey/broker'] }, {});
  await npmInstall(dir);
  const broker: ChildProcess = spawn('npx', ['--no-install', 'latchkey-broker'], {
    cwd: dir,
    env: userEnv({
      LATCHKEY_DEV: '1',
      BROKER_PORT: String(brokerPort),
      LATCHKEY_PUBLIC_URL: brokerUrl,
      LATCHKEY_ALLOWED_ORIGINS: Object.values(pagePorts).map((port) => `http://localhost:${port}`).join(','),
      LATCHKEY_SIGN_IN_METHODS: 'password,email-code',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: npx does not pass SIGTERM on to the broker it runs.
    detached: true,
  });
  let output = '';
  broker.stdout!.on('data', (chunk) => (output += chunk));
  broker.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => broker.once('exit', () => resolve()));

  for (let waited = 0; ; waited += 250) {
    if (broker.exitCode !== null) throw new Error(`latchkey-broker exited with ${broker.exitCode}:\n${output}`);
    if (waited > 60_000) throw new Error(`latchkey-broker not ready after 60 s:\n${output}`);
    const ready = await fetch(`${brokerUrl}/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await sleep(250);
  }

  project.provide('packs', packs);
  project.provide('brokerUrl', brokerUrl);
  project.provide('pagePorts', pagePorts);

  // The graceful shutdown itself is tested in packages/broker/src/cli/main.test.ts.
  return async () => {
    process.kill(-broker.pid!, 'SIGTERM');
    await exited;
  };
}
