import { Hono, type Context } from 'hono';
import type { Deps } from '../../deps.js';
import { orgAccess } from '../orgs/changes.js';
import { readQuery } from '../orgs/query.js';
import { auditCsvStream, readAuditLog } from './read.js';
import { auditCsvQuerySchema, auditQuerySchema } from './schema.js';

/** Whether the caller asked for CSV by its Accept header (`text/csv` before any JSON). */
const wantsCsv = (c: Context) => /^\s*text\/csv\b/i.test(c.req.header('accept') ?? '');

/** The CSV answer: an attachment named after the organization and the day, never cached. */
async function csvAnswer(deps: Deps, c: Context, orgId: string) {
  const filter = readQuery(c, auditCsvQuerySchema);
  const day = deps.clock().toISOString().slice(0, 10);
  return c.body(auditCsvStream(deps, orgId, filter), 200, {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': `attachment; filename="audit-${orgId}-${day}.csv"`,
    'x-content-type-options': 'nosniff',
  });
}

/**
 * The organization's audit log (issue 24 §5), for members holding `audit:read`:
 * `GET /:org_id/audit` (JSON `AuditEventList`, or CSV with `Accept: text/csv`)
 * and `GET /:org_id/audit.csv`. Filters: `type`, `actor` (user id or address),
 * `since`, `until`, `after`, `limit`; newest first. Mounted inside the
 * organization routes (their guards and `no-store`).
 *
 * @example
 * app.route('/', auditRoutes(deps));
 */
export function auditRoutes(deps: Deps) {
  return new Hono()
    .get('/:org_id/audit.csv', async (c) => {
      const access = await orgAccess(deps, c, 'audit:read');
      return csvAnswer(deps, c, access.org.id);
    })
    .get('/:org_id/audit', async (c) => {
      const access = await orgAccess(deps, c, 'audit:read');
      if (wantsCsv(c)) return csvAnswer(deps, c, access.org.id);
      return c.json(await readAuditLog(deps, access.org.id, readQuery(c, auditQuerySchema)));
    });
}
