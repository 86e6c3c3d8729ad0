import { createBroker, rotateSigningKey } from '@latchkey/broker';
import { openStorage } from './open-storage.js';
import { readSettings } from './settings.js';

// `pnpm --filter @latchkey/broker-app rotate-keys`: a new signing key now; old ones stay published until their tokens expire.
// pnpm runs scripts inside apps/broker; paths are relative to where the user ran the command.
const settings = readSettings(process.env, process.env.INIT_CWD ?? process.cwd());
const storage = await openStorage(settings, console.log);
const app = createBroker({ ...settings.config, storage });
console.log(`New signing key: ${await rotateSigningKey(app.deps)}`);
await storage.close();
