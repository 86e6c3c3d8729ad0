import { serve } from '@hono/node-server';
import { createBroker, smtpMailer } from '@latchkey/broker';
import { openStorage } from './open-storage.js';
import { readSettings } from './settings.js';

const log = (line: string) => console.log(`latchkey: ${line}`);

async function main() {
  // pnpm runs scripts inside apps/broker; paths are relative to where the user ran the command.
const settings = readSettings(process.env, process.env.INIT_CWD ?? process.cwd());
  if (!settings.databaseUrl) log(`Opening the embedded database in ${settings.dataDir} (the first run creates it: a few seconds)…`);
  const storage = await openStorage(settings, log);
  const mailer = settings.smtpUrl ? smtpMailer(settings.smtpUrl, settings.config.mail?.from ?? 'Latchkey <no-reply@localhost>') : undefined;
  const app = createBroker({ ...settings.config, storage, ...(mailer ? { mailer } : {}) });
  const server = serve({ fetch: app.fetch, port: settings.port }, () => {
    log(`Broker listening on http://localhost:${settings.port} (public URL ${app.deps.config.publicUrl}${app.deps.config.dev ? ', dev mode' : ''})`);
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`latchkey: cannot listen on port ${settings.port}: ${error.code === 'EADDRINUSE' ? 'it is already in use (set BROKER_PORT)' : error.message}`);
    void storage.close().finally(() => process.exit(1));
  });
  const stop = () => {
    server.close();
    void storage.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`latchkey: ${error.message}`);
  process.exit(1);
});
