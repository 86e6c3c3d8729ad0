import type { Settings } from './settings.js';
import { startBroker } from './start-broker.js';

/**
 * Starts the broker and stops it gracefully on SIGTERM or SIGINT: no new
 * connections, the requests in flight answered, queued mail sent, the
 * database closed, then exit 0.
 */
export async function serve(settings: Settings, log: (line: string) => void): Promise<void> {
  const broker = await startBroker(settings, log);
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
