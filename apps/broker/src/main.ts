import { ConfigError } from '@latchkey/broker';
import { readSettings } from './settings.js';
import { startBroker } from './start-broker.js';

const log = (line: string) => console.log(`latchkey: ${line}`);

async function main() {
  // pnpm runs scripts inside apps/broker; paths are relative to where the user ran the command.
  const settings = readSettings(process.env, process.env.INIT_CWD ?? process.cwd());
  const broker = await startBroker(settings, log);
  const stop = () => void broker.stop().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? `latchkey: cannot start: ${error.message}` : `latchkey: ${error.message}`);
  process.exit(1);
});
