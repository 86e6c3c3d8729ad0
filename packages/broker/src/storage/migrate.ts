import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './storage.js';

const folder = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The SQL migrations, in the order they apply. */
export const migrations = readdirSync(folder)
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => ({ name, sql: readFileSync(folder + name, 'utf8') }));

/**
 * Applies the migrations not yet applied, in one transaction. The advisory lock
 * makes a second instance starting at the same moment wait, then find nothing to do.
 */
export async function migrate(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7306545)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS latchkey_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ name: string }>(`SELECT name FROM latchkey_migrations`)).map((r) => r.name));
    const applied: string[] = [];
    for (const { name, sql } of migrations) {
      if (done.has(name)) continue;
      await tx.exec(sql);
      await tx.query(`INSERT INTO latchkey_migrations (name) VALUES ($1)`, [name]);
      applied.push(name);
    }
    return applied;
  });
}

/** True when every migration this code knows is applied (for GET /ready). */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM latchkey_migrations WHERE name = ANY($1)`, [migrations.map((m) => m.name)]);
  return rows[0]?.n === migrations.length;
}
