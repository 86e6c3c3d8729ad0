import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './storage.js';

const folder = fileURLToPath(new URL('./migrations/', import.meta.url));

const checksumOf = (sql: string) => createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');

/** The SQL migrations, in the order they apply, each with the checksum of its text. */
export const migrations = readdirSync(folder)
  .filter((name) => name.endsWith('.sql'))
  .sort()
  .map((name) => {
    const sql = readFileSync(folder + name, 'utf8');
    return { name, sql, checksum: checksumOf(sql) };
  });

/**
 * A migration that was applied and has changed since. Landed migrations are
 * never edited: the database would differ from what the file says, silently,
 * on some machines and not others. Add a new migration instead.
 */
export class MigrationChangedError extends Error {
  constructor(readonly migration: string) {
    super(`migration ${migration} was changed after it was applied to this database; restore it and add a new migration instead`);
    this.name = this.constructor.name;
  }
}

/**
 * Applies the migrations not yet applied, in one transaction, after checking
 * that every applied one is unchanged. The advisory lock makes a second
 * instance starting at the same moment wait, then find nothing to do.
 */
export async function migrate(db: Db, known = migrations): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7306545)`);
    await tx.query(`CREATE TABLE IF NOT EXISTS latchkey_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    await tx.query(`ALTER TABLE latchkey_migrations ADD COLUMN IF NOT EXISTS checksum text`);
    const applied = new Map((await tx.query<{ name: string; checksum: string | null }>(`SELECT name, checksum FROM latchkey_migrations`)).map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const { name, sql, checksum } of known) {
      if (!applied.has(name)) {
        await tx.exec(sql);
        await tx.query(`INSERT INTO latchkey_migrations (name, checksum) VALUES ($1, $2)`, [name, checksum]);
        done.push(name);
      } else if (applied.get(name) === null) {
        // Applied before checksums were kept: what is there now is taken as the reference.
        await tx.query(`UPDATE latchkey_migrations SET checksum = $2 WHERE name = $1`, [name, checksum]);
      } else if (applied.get(name) !== checksum) {
        throw new MigrationChangedError(name);
      }
    }
    return done;
  });
}

/** True when every migration this code knows is applied (for GET /ready). */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM latchkey_migrations WHERE name = ANY($1)`, [migrations.map((m) => m.name)]);
  return rows[0]?.n === migrations.length;
}
