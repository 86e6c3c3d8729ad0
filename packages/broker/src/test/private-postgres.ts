import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A PostgreSQL cluster of a test's own, in a temporary folder on a port of its own, so a
 * test may restart or crash it while the shared server (TEST_DATABASE_URL), which every
 * other test uses, keeps running. Built from the server binaries installed on the machine
 * (Debian's /usr/lib/postgresql/<version>/bin, or PG_BINDIR); as root they run as the
 * `postgres` user, since PostgreSQL refuses to run as root.
 */

const run = promisify(execFile);

/** The folder holding initdb and pg_ctl, or undefined when this machine has none. */
export function postgresBinaries(): string | undefined {
  if (process.env.PG_BINDIR) return existsSync(join(process.env.PG_BINDIR, 'initdb')) ? process.env.PG_BINDIR : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((x, y) => Number(y) - Number(x));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

export interface PrivatePostgres {
  readonly url: string;
  /** `pg_ctl restart` in `mode`: `fast` ends every connection and checkpoints; `immediate` is a crash, recovered from the WAL at start. */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

/** initdb, then start, a cluster on 127.0.0.1:`port` (trust auth, user and database `postgres`). */
export async function startPrivatePostgres(bin: string, port: number): Promise<PrivatePostgres> {
  const folder = mkdtempSync(join(tmpdir(), 'lk-pg-'));
  const data = join(folder, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    chownSync(folder, uid, uid);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: folder }) : run(join(bin, tool), args, { cwd: folder });
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  // The socket in the cluster's own folder, not /var/run/postgresql (the shared server's).
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder}`;
  const pgCtl = (args: string[]) => pg('pg_ctl', ['-D', data, '-l', join(folder, 'log'), '-w', '-t', '60', ...args]);
  await pgCtl(['-o', options, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(mode) {
      await pgCtl(['-m', mode, 'restart']);
    },
    async destroy() {
      await pgCtl(['-m', 'immediate', 'stop']).catch(() => {});
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
