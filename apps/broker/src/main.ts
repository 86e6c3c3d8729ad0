import { serve } from '@hono/node-server';
import { ConfigError, createBroker, ensureSigningKey, parseBrokerConfig, smtpMailer, startHousekeeping } from '@latchkey/broker';
import { openStorage } from './open-storage.js';
import { readSettings } from './settings.js';

const log = (line: string) => console.log(`latchkey: ${line}`);

async function main() {
  // pnpm runs scripts inside apps/broker; paths are relative to where the user ran the command.
const settings = readSettings(process.env, process.env.INIT_CWD ?? process.cwd());
  // Refuse a bad configuration before opening the database, whose first open takes seconds.
  parseBrokerConfig(settings.config);
  if (!settings.smtpUrl && !settings.config.dev) {
    throw new ConfigError(
      'SMTP_URL is not set: outside dev mode the broker needs a mail transport, or sign-up, email-code and reset codes would reach nobody. ' +
        'Set SMTP_URL (e.g. smtps://user:pass@smtp.example.com), or LATCHKEY_DEV=1 to try it on this machine (`pnpm start` does).',
    );
  }
  if (!settings.databaseUrl) log(`Opening the embedded database in ${settings.dataDir} (the first run creates it: a few seconds)…`);
  const storage = await openStorage(settings, log);
  const mailer = settings.smtpUrl ? smtpMailer(settings.smtpUrl, settings.config.mail?.from ?? 'Latchkey <no-reply@localhost>') : undefined;
  const app = createBroker({ ...settings.config, storage, ...(mailer ? { mailer } : {}) });
  // The JWKS holds the signing key before the first request (gateways load it at start).
  await ensureSigningKey(app.deps);
  // Expired flows, old rate-limit windows and old dev mail are swept every few minutes.
  const stopHousekeeping = startHousekeeping(app.deps);
  const server = serve({ fetch: app.fetch, port: settings.port }, () => {
    log(`Broker listening on http://localhost:${settings.port} (public URL ${app.deps.config.publicUrl}${app.deps.config.dev ? ', dev mode' : ''})`);
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`latchkey: cannot listen on port ${settings.port}: ${error.code === 'EADDRINUSE' ? 'it is already in use (set BROKER_PORT)' : error.message}`);
    void storage.close().finally(() => process.exit(1));
  });
  const stop = () => {
    stopHousekeeping();
    server.close();
    // Mail handed over by the last requests waits in the queue (each leaves a while after its
    // request, see mail-queue.ts): settled() sends it now, before the database closes. An SMTP
    // server that does not answer holds the stop for at most 10 s, inside a usual 30 s grace period.
    const giveUp = new Promise<void>((resolve) => setTimeout(() => resolve(log('stopping with mail still in flight: the SMTP server did not answer within 10 s')), 10_000));
    void Promise.race([app.deps.mail.settled(), giveUp])
      .then(() => storage.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? `latchkey: cannot start: ${error.message}` : `latchkey: ${error.message}`);
  process.exit(1);
});
