import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { measure } from './size.mjs';

describe('bundle budgets (DESIGN.md)', () => {
  it('keeps lk-sign-in within 20 kB and all elements within 50 kB gzip', async () => {
    const rows: Array<{ name: string; gzip: number; budgetGzip: number }> = await measure();
    expect(rows.map((r) => r.name)).toEqual(['lk-sign-in', 'all elements']);
    for (const row of rows) {
      expect(row.gzip, `${row.name} gzip bytes`).toBeGreaterThan(1_000);
      expect(row.gzip, `${row.name} gzip bytes`).toBeLessThanOrEqual(row.budgetGzip);
    }
  }, 120_000);
});
