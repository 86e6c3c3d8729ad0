import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startDevIdp } from './server.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('start-up', () => {
  it('answers a request that arrives while the providers are still being made (a readiness probe never hangs)', async () => {
    const port = await freePort();
    const starting = startDevIdp({ port });
    const discovery = `http://127.0.0.1:${port}/oidc/.well-known/openid-configuration`;
    // Probe as a launcher does, from the first moment: each try must be answered (or refused), never left hanging.
    let answered: Response | undefined;
    const deadline = Date.now() + 20_000;
    while (!answered && Date.now() < deadline) {
      try {
        answered = await fetch(discovery, { signal: AbortSignal.timeout(5_000) });
      } catch (error) {
        expect((error as Error).name, 'a probe timed out: the server accepted it and never answered').not.toBe('TimeoutError');
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const idp = await starting;
    try {
      expect(answered?.status).toBe(200);
      expect((await answered!.json()).issuer).toBe(`http://127.0.0.1:${port}/oidc`);
    } finally {
      await idp.close();
    }
  }, 30_000);
});
