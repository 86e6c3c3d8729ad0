import { cliLoggers } from './logging.js';
import type { Settings } from './settings.js';
import { startBroker } from './start-broker.js';

/**
 * Starts the broker, logging as `settings.log` says, and stops it gracefully
 * on SIGTERM or SIGINT: `/ready` answers 503 (for `drainSeconds` while new
 * requests are still served), then no new connections, the requests in flight
 * answered, queued mail sent, the database closed, then exit 0.
 */
export async function serve(settings: Settings): Promise<void> {
  const { lifecycle: log, requests } = cliLoggers(settings.log);
  const broker = await startBroker(settings, log, requests);
  const stop = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping (the requests in flight are answered first)`);
    void broker.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`latchkey: stopping failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
