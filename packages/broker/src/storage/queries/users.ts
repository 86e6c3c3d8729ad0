import type { Db } from '../storage.js';

export interface UserRecord {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  passwordHash: string | null;
  name: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = `id, email, email_verified_at AS "emailVerifiedAt", password_hash AS "passwordHash", name,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  return (await db.query<UserRecord>(`SELECT ${columns} FROM users WHERE email = $1`, [email]))[0];
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | undefined> {
  return (await db.query<UserRecord>(`SELECT ${columns} FROM users WHERE id = $1`, [id]))[0];
}

/** Inserts a user; a second account for the same email raises a unique violation. */
export async function insertUser(db: Db, user: Omit<UserRecord, 'updatedAt'>): Promise<UserRecord> {
  const rows = await db.query<UserRecord>(
    `INSERT INTO users (id, email, email_verified_at, password_hash, name, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${columns}`,
    [user.id, user.email, user.emailVerifiedAt, user.passwordHash, user.name, user.createdAt],
  );
  return rows[0]!;
}

export async function setUserPassword(db: Db, id: string, passwordHash: string, at: Date): Promise<void> {
  await db.query(`UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, [id, passwordHash, at]);
}

export async function countUsers(db: Db): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`))[0]!.n;
}
