import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { ENTRY_BUDGET, measure } from './size.mjs';

interface Row {
  element: string;
  part: 'entry' | 'step' | 'locale' | 'lazy' | 'total';
  name: string;
  chunks: string[];
  gzip: number;
  budgetGzip?: number;
}

describe('bundle budgets (DESIGN.md)', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await measure();
  }, 120_000);
  const of = (element: string) => rows.filter((r) => r.element === element);
  const part = (element: string, name: Row['part']) => of(element).find((r) => r.part === name)!;

  it('loads only the first screen of lk-sign-in up front: its password, mailed-code, reset, passkey-review, redirect, IdP error and MFA steps are chunks of their own', () => {
    const steps = of('lk-sign-in').filter((r) => r.part === 'step');
    expect(steps.map((r) => r.name).sort()).toEqual(['email-code', 'idp-error', 'mfa', 'passkey-review', 'password', 'reset', 'sso-redirect']);
    const entry = part('lk-sign-in', 'entry');
    for (const step of steps) {
      // A step's own chunk is never part of what the first screen loads.
      expect(entry.chunks).not.toContain(step.chunks[0]);
      expect(step.gzip, `${step.name} gzip bytes`).toBeGreaterThan(200);
    }
  });

  it('keeps the error messages, the WebAuthn code, the social icons and what runs once the user acts (the flow\'s engine) out of lk-sign-in\'s first screen', () => {
    const lazy = of('lk-sign-in').filter((r) => r.part === 'lazy').map((r) => r.name.replace(/^assets\/|-[\w-]{8}\.js$/g, ''));
    expect(lazy.sort()).toEqual(['error-messages', 'passkey-sign-in', 'provider-icons', 'sign-in.engine']);
  });

  it('keeps lk-sign-in\'s first screen, social buttons included, within its budget, each step within 4 kB and all of it within 31.4 kB gzip (30 kB before the MFA step)', () => {
    expect(ENTRY_BUDGET).toBeLessThanOrEqual(16_000);
    expect(of('lk-sign-in').filter((r) => r.budgetGzip).map((r) => [r.part, r.budgetGzip])).toEqual([
      ['entry', ENTRY_BUDGET],
      ...Array.from({ length: 7 }, () => ['step', 4_000]),
      ['total', 31_400],
    ]);
    for (const row of of('lk-sign-in').filter((r) => r.budgetGzip)) {
      expect(row.gzip, `lk-sign-in ${row.part} ${row.name} gzip bytes`).toBeLessThanOrEqual(row.budgetGzip!);
    }
    expect(part('lk-sign-in', 'entry').gzip).toBeGreaterThan(1_000);
  });

  it('keeps all elements within 51.9 kB gzip (50 kB before the MFA step), every chunk counted, and each step chunk within 4 kB', () => {
    const total = part('all elements', 'total');
    expect(total.budgetGzip).toBe(51_900);
    expect(total.gzip).toBeLessThanOrEqual(51_900);
    // Every chunk counts: the first screen, each step and each locale are all in the total.
    const counted = new Set(of('all elements').filter((r) => r.part !== 'total').flatMap((r) => r.chunks));
    expect([...counted].sort()).toEqual([...total.chunks].sort());
    expect(of('all elements').filter((r) => r.part === 'locale').map((r) => r.name)).toEqual(['ar', 'de']);
    for (const step of of('all elements').filter((r) => r.part === 'step')) {
      expect(step.gzip, `${step.name} gzip bytes`).toBeLessThanOrEqual(4_000);
    }
  });
});
