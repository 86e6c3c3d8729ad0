import { openStorage } from './open-storage.js';
import type { Settings } from './settings.js';

/**
 * `latchkey-broker migrate`: opens the database, which applies the migrations
 * not yet applied (see storage/migrate.ts), says where it stands and closes it.
 * For a deploy step that migrates before the new brokers start.
 */
export async function migrateDatabase(settings: Settings, log: (line: string) => void): Promise<void> {
  const storage = await openStorage(settings, log);
  try {
    const applied = await storage.query<{ name: string }>(`SELECT name FROM latchkey_migrations ORDER BY name`);
    log(`The database is migrated: ${applied.length} migrations applied, the latest ${applied.at(-1)?.name ?? 'none'}.`);
  } finally {
    await storage.close();
  }
}
