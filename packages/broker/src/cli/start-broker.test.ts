import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from './settings.js';
import { startBroker } from './start-broker.js';

/** A port nothing listens on right now, on any interface. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** 'open' when a TCP connection to host:port is accepted, else the error code (ECONNREFUSED…). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const addresses = Object.entries(networkInterfaces()).flatMap(([name, list]) => (list ?? []).map((a) => ({ ...a, name })));
const hasIpv6Loopback = addresses.some((a) => a.address === '::1');
// A link-local IPv6 address needs its interface named to be reached.
const nonLoopback = addresses.filter((a) => !a.internal).map((a) => (a.family === 'IPv6' && a.address.startsWith('fe80:') ? `${a.address}%${a.name}` : a.address));

const dataDir = () => join(mkdtempSync(join(tmpdir(), 'lk-start-')), 'data');

describe('the broker app in dev mode (LATCHKEY_DEV=1, public URL http://localhost:<port>)', () => {
  let port: number;
  let broker: Awaited<ReturnType<typeof startBroker>>;
  beforeAll(async () => {
    port = await freePort();
    const dir = dataDir();
    broker = await startBroker(readSettings({ LATCHKEY_DEV: '1', BROKER_PORT: String(port), LATCHKEY_DATA_DIR: dir }, dir), () => {});
  }, 120_000);
  afterAll(() => broker?.stop());

  it('listens on the loopback addresses only: 127.0.0.1, and ::1 where the machine has it', () => {
    const bound = broker.servers.map((server) => server.address() as AddressInfo);
    expect(bound.map((a) => a.address).sort()).toEqual(hasIpv6Loopback ? ['127.0.0.1', '::1'] : ['127.0.0.1']);
    expect(bound.every((a) => a.port === port)).toBe(true);
  });

  it('answers on 127.0.0.1, ::1 and localhost, as the demo in Chromium reaches it', async () => {
    const urls = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(hasIpv6Loopback ? [`http://[::1]:${port}`] : [])];
    for (const url of urls) expect((await fetch(`${url}/dev/outbox?to=a@example.com`)).status, url).toBe(200);
  });

  it("cannot be reached on the machine's network addresses, so nobody else reads /dev/outbox", async () => {
    for (const host of nonLoopback) expect(await tryConnect(host, port), host).toBe('ECONNREFUSED');
  });
});

describe('the broker app refusing to start', () => {
  it.each(['0.0.0.0', '::', '192.0.2.10', 'auth.example.com', ...nonLoopback.slice(0, 1)])(
    'refuses LATCHKEY_HOST=%s in dev mode, naming the setting, before opening the database',
    async (host) => {
      const dir = dataDir();
      const settings = readSettings({ LATCHKEY_DEV: '1', LATCHKEY_HOST: host, BROKER_PORT: String(await freePort()), LATCHKEY_DATA_DIR: dir }, dir);
      await expect(startBroker(settings, () => {})).rejects.toThrow(new RegExp(`^LATCHKEY_HOST: ${host.replace(/[.%]/g, '\\$&')} is not a loopback address`));
      expect(existsSync(dir)).toBe(false);
    },
  );
});
