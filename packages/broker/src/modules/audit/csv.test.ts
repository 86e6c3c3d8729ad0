import { describe, expect, it } from 'vitest';
import { auditCsvHeader, auditCsvLine, csvCell } from './csv.js';

describe('audit CSV', () => {
  it('quotes what RFC 4180 needs quoted, doubling quotes, and leaves the rest bare', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell(null)).toBe('');
  });

  it('defuses every cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.test")')).toBe(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(csvCell('+1+cmd|calc')).toBe("'+1+cmd|calc");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('writes a header and one CRLF-ended line per event', () => {
    expect(auditCsvHeader()).toBe('created_at,type,actor_user_id,actor_email,target_type,target_id,target_label,ip,user_agent,data,id\r\n');
    const line = auditCsvLine({
      id: 'evt_1',
      type: 'member.removed',
      org_id: 'org_1',
      actor: { user_id: 'usr_1', email: 'ada@acme.test' },
      target: { type: 'user', id: 'usr_2', label: '=cmd' },
      data: { role: 'member' },
      ip: '203.0.113.1',
      user_agent: null,
      created_at: '2026-12-06T12:00:00.000Z',
    });
    expect(line).toBe(`2026-12-06T12:00:00.000Z,member.removed,usr_1,ada@acme.test,user,usr_2,'=cmd,203.0.113.1,,"{""role"":""member""}",evt_1\r\n`);
  });
});
