import type { AuditEvent } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { listAuditEvents, type AuditEventQuery } from '../../storage/queries/index.js';
import { auditCsvHeader, auditCsvLine } from './csv.js';
import { toWireAuditEvent } from './events.js';

/** The filters of the audit log, as the query string gives them (see schema.ts). */
export interface AuditLogFilter {
  type?: string;
  actor?: string;
  since?: string;
  until?: string;
  after?: string;
  limit: number;
}

/** The storage query for `filter` on `orgId`: `actor` matches the acting user's id or address (`admin-api` for the admin API). */
function storageQuery(orgId: string, filter: AuditLogFilter, limit: number, beforeSeq = filter.after): AuditEventQuery {
  return {
    orgId,
    type: filter.type,
    actor: filter.actor,
    since: filter.since === undefined ? undefined : new Date(filter.since),
    until: filter.until === undefined ? undefined : new Date(filter.until),
    beforeSeq,
    limit,
  };
}

/**
 * A page of the organization's audit log, newest first; `next` is the cursor
 * of the following page (null on the last). One more row is read than shown,
 * so `next` is null exactly on the last page.
 *
 * @example
 * const page = await readAuditLog(deps, access.org.id, { type: 'member.removed', limit: 50 });
 */
export async function readAuditLog(deps: Deps, orgId: string, filter: AuditLogFilter): Promise<{ events: AuditEvent[]; next: string | null }> {
  const rows = await listAuditEvents(deps.storage, storageQuery(orgId, filter, filter.limit + 1));
  const shown = rows.slice(0, filter.limit);
  return { events: shown.map(toWireAuditEvent), next: rows.length > filter.limit ? shown.at(-1)!.seq : null };
}

const CSV_PAGE = 500;

/**
 * The organization's audit log under `filter` as a CSV stream: the header,
 * then the events newest first, read a page at a time as the client takes
 * them (at most `filter.limit`), so a long export never sits in memory whole.
 */
export function auditCsvStream(deps: Deps, orgId: string, filter: AuditLogFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor = filter.after;
  let left = filter.limit;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(auditCsvHeader()));
        return;
      }
      const rows = left > 0 ? await listAuditEvents(deps.storage, storageQuery(orgId, filter, Math.min(CSV_PAGE, left), cursor)) : [];
      if (rows.length > 0) {
        controller.enqueue(encoder.encode(rows.map((row) => auditCsvLine(toWireAuditEvent(row))).join('')));
        left -= rows.length;
        cursor = rows.at(-1)!.seq;
      }
      if (rows.length < CSV_PAGE || left <= 0) controller.close();
    },
  });
}
