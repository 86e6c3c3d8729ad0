import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, createBroker, ensureSigningKey, parseBrokerConfig, smtpMailer, startHousekeeping, type Logger } from '../index.js';
import { listen, listenHosts } from './listen.js';
import { openStorage } from './open-storage.js';
import type { Settings } from './settings.js';

const where = (server: Server) => {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
};

/** How long the requests in flight at a stop get to finish before their connections are cut. */
const REQUEST_GRACE_MS = 10_000;

/**
 * Stops `server` taking connections and resolves once the requests in flight
 * are answered and their connections closed (idle keep-alive ones at once),
 * cutting what is left after the grace period.
 */
function closeGracefully(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), REQUEST_GRACE_MS);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Starts the broker app as `settings` say: refuses a bad configuration before
 * opening the database (whose first open takes seconds), then opens it,
 * publishes a signing key, starts housekeeping and listens. `stop` closes it
 * all: `/ready` answers 503 from then on (for `settings.drainSeconds` before
 * the listener closes, so a load balancer notices first), it stops listening,
 * lets the requests in flight finish and the mail of the last requests leave,
 * then closes the database. `log` takes its start and stop lines; `requests`,
 * when given, a line per answered request.
 *
 * @example
 * const broker = await startBroker(readSettings(process.env, process.cwd()), console.log, jsonLogger());
 * process.on('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
 */
export async function startBroker(settings: Settings, log: (line: string) => void, requests?: Logger) {
  parseBrokerConfig(settings.config);
  if (!settings.smtpUrl && !settings.config.dev) {
    throw new ConfigError(
      'SMTP_URL is not set: outside dev mode the broker needs a mail transport, or sign-up, email-code and reset codes would reach nobody. ' +
        'Set SMTP_URL (e.g. smtps://user:pass@smtp.example.com), or LATCHKEY_DEV=1 to try it on this machine (`pnpm start` does).',
    );
  }
  const hosts = listenHosts(settings);
  if (!settings.databaseUrl) log(`Opening the embedded database in ${settings.dataDir} (the first run creates it: a few seconds)…`);
  const storage = await openStorage(settings, log);
  const mailer = settings.smtpUrl ? smtpMailer(settings.smtpUrl, settings.config.mail?.from ?? 'Latchkey <no-reply@localhost>') : undefined;
  const app = createBroker({ ...settings.config, storage, ...(mailer ? { mailer } : {}), ...(requests ? { logger: requests } : {}) });
  // The JWKS holds the signing key before the first request (gateways load it at start).
  await ensureSigningKey(app.deps);
  // Expired flows, old rate-limit windows and old dev mail are swept every few minutes.
  const stopHousekeeping = startHousekeeping(app.deps);
  const servers = await listen(app.fetch, settings.port, hosts).catch(async (error: unknown) => {
    stopHousekeeping();
    await storage.close();
    throw error;
  });
  log(`Broker listening on ${servers.map(where).join(' and ')} (public URL ${app.deps.config.publicUrl}${app.deps.config.dev ? ', dev mode: this machine only' : ''})`);

  let stopped: Promise<void> | undefined;
  return {
    app,
    servers,
    stop: () =>
      (stopped ??= (async () => {
        app.startDraining();
        if (settings.drainSeconds > 0) {
          log(`draining: /ready answers 503; the listener closes in ${settings.drainSeconds} s`);
          await sleep(settings.drainSeconds * 1000);
        }
        stopHousekeeping();
        await Promise.all(servers.map(closeGracefully));
        // Mail handed over by the last requests waits in the queue (each leaves a while after its
        // request, see mail-queue.ts): settled() sends it now, before the database closes. An SMTP
        // server that does not answer holds the stop for at most 10 s, inside a usual 30 s grace period.
        let timer: NodeJS.Timeout | undefined;
        const giveUp = new Promise<void>((resolve) => {
          timer = setTimeout(() => resolve(log('stopping with mail still in flight: the SMTP server did not answer within 10 s')), 10_000);
        });
        await Promise.race([app.deps.mail.settled(), giveUp]);
        clearTimeout(timer);
        await storage.close();
      })()),
  };
}
