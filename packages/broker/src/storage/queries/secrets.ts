import type { Db } from '../storage.js';

/** Returns the stored secret `name`, storing `candidate` first if there is none (first instance wins). */
export async function getOrCreateSecret(db: Db, name: string, candidate: string, at: Date): Promise<string> {
  await db.query(`INSERT INTO broker_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [name, candidate, at]);
  return (await db.query<{ value: string }>(`SELECT value FROM broker_secrets WHERE name = $1`, [name]))[0]!.value;
}
