import { mkdirSync } from 'node:fs';
import { createPgliteStorage, createPostgresStorage, type Storage } from '../index.js';
import type { Settings } from './settings.js';

/** PostgreSQL when DATABASE_URL is set, else the embedded database, saying so on its slow first run. */
export async function openStorage(settings: Settings, log: (line: string) => void): Promise<Storage> {
  if (settings.databaseUrl) return createPostgresStorage({ connectionString: settings.databaseUrl });
  mkdirSync(settings.dataDir, { recursive: true });
  const started = Date.now();
  const storage = await createPgliteStorage({ dataDir: settings.dataDir });
  log(`${storage.created ? 'Created' : 'Opened'} the embedded database in ${settings.dataDir} (${Date.now() - started} ms)`);
  return storage;
}
