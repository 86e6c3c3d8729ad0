import type { Db } from '../storage.js';

export interface OutboxRecord {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}

export async function insertOutboxMessage(db: Db, message: OutboxRecord): Promise<void> {
  await db.query(`INSERT INTO mail_outbox (id, recipient, subject, body_text, created_at) VALUES ($1, $2, $3, $4, $5)`, [
    message.id, message.to, message.subject, message.text, message.createdAt,
  ]);
}

/** Newest first; `to` filters by recipient. */
export async function listOutboxMessages(db: Db, to: string | undefined, limit: number): Promise<OutboxRecord[]> {
  return db.query<OutboxRecord>(
    `SELECT id, recipient AS "to", subject, body_text AS "text", created_at AS "createdAt" FROM mail_outbox
     WHERE ($1::text IS NULL OR recipient = $1) ORDER BY seq DESC LIMIT $2`,
    [to ?? null, limit],
  );
}

export async function countOutboxMessages(db: Db): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM mail_outbox`))[0]!.n;
}

/** The dev outbox keeps a day of mail. */
export async function deleteOutboxMessagesBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH gone AS (DELETE FROM mail_outbox WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [before]);
  return rows[0]!.n;
}
