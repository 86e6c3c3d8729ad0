import { createBroker, rotateSigningKey } from '@latchkey/broker';
import { openStorage } from './open-storage.js';
import { readSettings } from './settings.js';

// `pnpm --filter @latchkey/broker-app rotate-keys [--now]`
//   planned: the new key is published now and signs an hour later; old keys stay until their tokens expired.
//   --now:   for a leaked key: the new key signs at once and every other key leaves the JWKS.
const immediate = process.argv.includes('--now');
// pnpm runs scripts inside apps/broker; paths are relative to where the user ran the command.
const settings = readSettings(process.env, process.env.INIT_CWD ?? process.cwd());
const storage = await openStorage(settings, console.log);
// Rotating keys sends no mail, so it needs no SMTP_URL (createBroker asks for a mailer outside dev mode).
const app = createBroker({ ...settings.config, storage, mailer: { send: async () => {} } });
const kid = await rotateSigningKey(app.deps, { immediate });
console.log(immediate ? `New signing key ${kid} signs now; every other key is withdrawn.` : `New signing key ${kid} is published and signs in an hour.`);
await storage.close();
