import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { listen, listenHosts } from './listen.js';
import { readSettings } from './settings.js';

const hasIpv6Loopback = Object.values(networkInterfaces()).flat().some((a) => a?.address === '::1');
const production = { LATCHKEY_PUBLIC_URL: 'https://auth.example.com', LATCHKEY_SECRET: 's'.repeat(32), SMTP_URL: 'smtp://mail.example.com' };

describe('where the broker app listens', () => {
  it('listens on both loopbacks for a localhost public URL in dev mode, and on the one a loopback URL names', () => {
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1' }, '/'))).toEqual(['127.0.0.1', '::1']);
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_PUBLIC_URL: 'http://127.0.0.2:8787' }, '/'))).toEqual(['127.0.0.2']);
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_PUBLIC_URL: 'http://[::1]:8787' }, '/'))).toEqual(['::1']);
    // A name under localhost (one site with the app's app.latchkey.localhost) is this machine to a browser: both loopbacks.
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_PUBLIC_URL: 'http://auth.latchkey.localhost:8787' }, '/'))).toEqual(['127.0.0.1', '::1']);
  });

  it('takes a loopback LATCHKEY_HOST in dev mode, localhost meaning both', () => {
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_HOST: '127.0.0.1' }, '/'))).toEqual(['127.0.0.1']);
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_HOST: '::1' }, '/'))).toEqual(['::1']);
    expect(listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_HOST: ' localhost ' }, '/'))).toEqual(['127.0.0.1', '::1']);
  });

  it('refuses a LATCHKEY_HOST that is not a loopback in dev mode, naming the setting', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'fd00::2', 'example.com', '128.0.0.1']) {
      expect(() => listenHosts(readSettings({ LATCHKEY_DEV: '1', LATCHKEY_HOST: host }, '/')), host).toThrow(/^LATCHKEY_HOST: .* is not a loopback address/);
    }
  });

  it('listens on every interface outside dev mode unless LATCHKEY_HOST names one', () => {
    expect(listenHosts(readSettings(production, '/'))).toBeUndefined();
    expect(listenHosts(readSettings({ ...production, LATCHKEY_HOST: '10.0.0.5' }, '/'))).toEqual(['10.0.0.5']);
  });

  it("outside dev mode answers on the machine's network addresses too, as before", async () => {
    const servers = await listen(() => new Response('ok'), 0, listenHosts(readSettings(production, '/')));
    try {
      const { address, port } = servers[0]!.address() as AddressInfo;
      expect(['::', '0.0.0.0']).toContain(address);
      const external = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
      if (external) expect(await (await fetch(`http://${external.address}:${port}/`)).text()).toBe('ok');
    } finally {
      await Promise.all(servers.map((server: Server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it('says the port is taken, naming BROKER_PORT, and leaves nothing listening', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      // ::1 listens first (where the machine has it), then 127.0.0.1 is taken: ::1 is closed again.
      await expect(listen(() => new Response('ok'), port, ['::1', '127.0.0.1'])).rejects.toThrow(`cannot listen on port ${port} at 127.0.0.1: it is already in use (set BROKER_PORT)`);
      if (hasIpv6Loopback) {
        const again = await listen(() => new Response('ok'), port, ['::1']);
        await Promise.all(again.map((server) => new Promise((resolve) => server.close(resolve))));
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
