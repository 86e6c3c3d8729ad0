import type { Server } from 'node:http';
import { isIPv6 } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ConfigError, isLoopbackUrl } from '../index.js';
import type { Settings } from './settings.js';

const asUrl = (host: string) => `http://${isIPv6(host) ? `[${host}]` : host}/`;

/**
 * The addresses the broker listens on; undefined means every interface.
 * `localhost` means both loopbacks: a browser may resolve it to 127.0.0.1 or
 * to ::1, and Node's `listen('localhost')` would take only the first answer.
 * In dev mode `/dev/outbox` shows every mailed code to whoever can reach it,
 * so the broker listens only on this machine: the loopback the public URL
 * names, and a `LATCHKEY_HOST` that is not a loopback stops start-up.
 *
 * @example
 * listenHosts({ host: undefined, config: { publicUrl: 'http://localhost:8787', dev: true } }); // ['127.0.0.1', '::1']
 * listenHosts({ host: undefined, config: { publicUrl: 'https://auth.example.com' } }); // undefined: every interface
 */
export function listenHosts(settings: Pick<Settings, 'host' | 'config'>): string[] | undefined {
  const { host, config } = settings;
  if (host !== undefined && config.dev && !isLoopbackUrl(asUrl(host))) {
    throw new ConfigError(
      `LATCHKEY_HOST: ${host} is not a loopback address. Dev mode (LATCHKEY_DEV) listens only on this machine, because /dev/outbox shows every mailed code: ` +
        'use 127.0.0.1, ::1 or localhost, or unset LATCHKEY_HOST.',
    );
  }
  const named = host ?? (config.dev ? new URL(config.publicUrl ?? '').hostname.replace(/^\[(.*)\]$/, '$1') : undefined);
  if (named === undefined) return undefined;
  // A name under localhost (auth.latchkey.localhost) is this machine to a browser, but Node's resolver may not know it.
  return named === 'localhost' || named.endsWith('.localhost') ? ['127.0.0.1', '::1'] : [named];
}

/** Errors that mean "this machine has no such address" (no IPv6 loopback), not "the port is taken". */
const UNAVAILABLE = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

function listenOne(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serves `fetch` on `port` at each of `hosts` (every interface when undefined),
 * resolving once all listen. With both loopbacks, one the machine lacks (no
 * IPv6) is left out as long as the other listens; any other failure closes
 * what already listens and rejects with the port named.
 *
 * @example
 * const servers = await listen(app.fetch, 8787, ['127.0.0.1', '::1']);
 */
export async function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hosts: string[] | undefined): Promise<Server[]> {
  const servers: Server[] = [];
  let failure: Error | undefined;
  for (const host of hosts ?? [undefined]) {
    const server = createAdaptorServer({ fetch }) as Server;
    try {
      await listenOne(server, port, host);
      servers.push(server);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (hosts && hosts.length > 1 && code && UNAVAILABLE.has(code)) continue;
      failure = new Error(`cannot listen on port ${port}${host ? ` at ${host}` : ''}: ${code === 'EADDRINUSE' ? 'it is already in use (set BROKER_PORT)' : (error as Error).message}`);
      break;
    }
  }
  if (failure || servers.length === 0) {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    throw failure ?? new Error(`cannot listen on port ${port}: none of ${hosts?.join(', ')} is an address of this machine`);
  }
  return servers;
}
