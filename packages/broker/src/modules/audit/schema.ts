import { z } from 'zod';
import { AUDIT_EVENT_TYPES } from './events.js';

/** The most events one CSV export holds (narrow it with `since`/`until` past that). */
export const MAX_CSV_EVENTS = 100_000;

const filters = {
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  /** A user id, or an address (compared without case; `admin-api` for the admin API's changes). */
  actor: z.string().trim().min(1).max(320).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  /** Excluded: events before this time. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** The previous page's `next`: events written before it. */
  after: z.string().regex(/^[1-9]\d{0,17}$/, 'the `next` of a previous page').optional(),
};

const sinceBeforeUntil = (q: { since?: string; until?: string }) => q.since === undefined || q.until === undefined || Date.parse(q.since) < Date.parse(q.until);

/**
 * `GET /v1/orgs/{org_id}/audit`'s query: `type`, `actor`, `since`, `until`,
 * `after`, `limit` (1 to 200, default 50). Strict: an unknown filter is a 400
 * naming it, never a filter silently left out.
 */
export const auditQuerySchema = z
  .strictObject({ ...filters, limit: z.coerce.number().int().min(1).max(200).default(50) })
  .refine(sinceBeforeUntil, { path: ['until'], message: 'must be after since' });

/** `GET /v1/orgs/{org_id}/audit.csv` (or `/audit` with `Accept: text/csv`): the same filters; every matching event unless `limit`. */
export const auditCsvQuerySchema = z
  .strictObject({ ...filters, limit: z.coerce.number().int().min(1).max(MAX_CSV_EVENTS).default(MAX_CSV_EVENTS) })
  .refine(sinceBeforeUntil, { path: ['until'], message: 'must be after since' });

export type AuditQuery = z.output<typeof auditQuerySchema>;
