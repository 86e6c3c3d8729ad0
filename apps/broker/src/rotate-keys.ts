import { createBroker, rotateSigningKey } from '@latchkey/broker';
import { openStorage } from './open-storage.js';
import { readSettings } from './settings.js';

// `pnpm --filter @latchkey/broker-app rotate-keys`: a new signing key now; old ones stay published until their tokens expire.
const settings = readSettings(process.env, process.cwd());
const storage = await openStorage(settings, console.log);
const app = createBroker({ ...settings.config, storage });
console.log(`New signing key: ${await rotateSigningKey(app.deps)}`);
await storage.close();
