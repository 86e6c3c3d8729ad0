import { createBroker, parseBrokerConfig, rotateSigningKey } from '../index.js';
import { openStorage } from './open-storage.js';
import type { Settings } from './settings.js';

/**
 * `latchkey-broker rotate-keys [--now]`
 *   planned: the new key is published now and signs an hour later; old keys stay until their tokens expired.
 *   --now:   for a leaked key: the new key signs at once and every other key leaves the JWKS.
 */
export async function rotateKeys(settings: Settings, { immediate }: { immediate: boolean }, log: (line: string) => void): Promise<void> {
  // A bad configuration is named before the database opens (seconds), as at start-up.
  parseBrokerConfig(settings.config);
  const storage = await openStorage(settings, log);
  try {
    // Rotating keys sends no mail, so it needs no SMTP_URL (createBroker asks for a mailer outside dev mode).
    const app = createBroker({ ...settings.config, storage, mailer: { send: async () => {} } });
    const kid = await rotateSigningKey(app.deps, { immediate });
    log(immediate ? `New signing key ${kid} signs now; every other key is withdrawn.` : `New signing key ${kid} is published and signs in an hour.`);
  } finally {
    await storage.close();
  }
}
