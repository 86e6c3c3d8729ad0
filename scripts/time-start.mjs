// `node scripts/time-start.mjs [runs]`: times `pnpm start` from spawn to "Latchkey is running"
// (its URLs printed), on a fresh data folder and on an existing one, `runs` times each (3),
// and prints each run's breakdown (when each service answered, when the seed was done) and
// the medians. Ports of its own, so it runs beside a `pnpm start` on the defaults.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const runs = Number(process.argv[2] ?? 3);
const ports = { BROKER_PORT: '28787', DEMO_PORT: '25173', DEV_IDP_PORT: '28788' };
const root = mkdtempSync(join(tmpdir(), 'latchkey-time-start-'));

const portFree = (port) =>
  new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false)).once('listening', () => probe.close(() => resolve(true)));
    probe.listen(Number(port));
  });

/** One `pnpm start` on `dataDir`: seconds from spawn to the ready line, and that line. */
async function timeStart(dataDir) {
  for (const port of Object.values(ports)) while (!(await portFree(port))) await sleep(100);
  const started = performance.now();
  const child = spawn('pnpm', ['start'], { env: { ...process.env, ...ports, LATCHKEY_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let output = '';
  const line = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = /Latchkey is running.*/.exec(output);
      if (ready) resolve(ready[0]);
    });
    child.on('exit', (code) => reject(new Error(`pnpm start exited (${code}) before it was ready:\n${output}`)));
  });
  const seconds = (performance.now() - started) / 1000;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  return { seconds, line };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const fresh = [];
  for (let i = 0; i < runs; i++) {
    const { seconds, line } = await timeStart(join(root, `fresh-${i}`));
    fresh.push(seconds);
    console.log(`fresh data folder: ${seconds.toFixed(2)} s   ${line}`);
  }
  // The fresh folder of the first run, now existing.
  const later = [];
  for (let i = 0; i < runs; i++) {
    const { seconds, line } = await timeStart(join(root, 'fresh-0'));
    later.push(seconds);
    console.log(`existing data folder: ${seconds.toFixed(2)} s   ${line}`);
  }
  console.log(`median: fresh ${median(fresh).toFixed(2)} s, existing ${median(later).toFixed(2)} s (${runs} runs each)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
