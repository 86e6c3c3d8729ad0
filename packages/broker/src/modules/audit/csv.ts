import type { AuditEvent } from '@latchkey/client';

/**
 * Audit events as CSV (RFC 4180): a header row, CRLF line ends, a cell quoted
 * when it holds a comma, a quote or a line break (its quotes doubled). A cell
 * a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, or a
 * tab or carriage return that some strip first) gets a leading `'`, so a user
 * agent or a name an attacker chose never runs in the reader's spreadsheet
 * (OWASP, "CSV Injection").
 */

export const AUDIT_CSV_COLUMNS = [
  'created_at',
  'type',
  'actor_user_id',
  'actor_email',
  'target_type',
  'target_id',
  'target_label',
  'ip',
  'user_agent',
  'data',
  'id',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell: defused against formula injection, then quoted where RFC 4180 needs it.
 *
 * @example
 * csvCell('=HYPERLINK("http://evil")'); // '"\'=HYPERLINK(""http://evil"")"'
 * csvCell(null); // ''
 */
export function csvCell(value: string | null): string {
  if (value === null || value === '') return '';
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/** One line of cells, ending in CRLF. */
export const csvLine = (cells: ReadonlyArray<string | null>) => `${cells.map(csvCell).join(',')}\r\n`;

export const auditCsvHeader = () => csvLine(AUDIT_CSV_COLUMNS);

/** One event as a CSV line, in `AUDIT_CSV_COLUMNS` order (`data` as JSON). */
export function auditCsvLine(event: AuditEvent): string {
  return csvLine([
    event.created_at,
    event.type,
    event.actor?.user_id ?? null,
    event.actor?.email ?? null,
    event.target?.type ?? null,
    event.target?.id ?? null,
    event.target?.label ?? null,
    event.ip,
    event.user_agent,
    JSON.stringify(event.data),
    event.id,
  ]);
}
