import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePgliteTemplate, seedDataDirFromTemplate } from './pglite-template.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-template-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('seedDataDirFromTemplate', () => {
  it('copies the template into a missing folder, leaving nothing beside it', async () => {
    const template = await ensurePgliteTemplate();
    const dataDir = join(dir, 'nested', 'data');

    expect(await seedDataDirFromTemplate(dataDir)).toBe(true);

    expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8')).toBe(readFileSync(join(template, 'PG_VERSION'), 'utf8'));
    expect(readdirSync(dataDir).sort()).toEqual(readdirSync(template).sort());
    expect(readdirSync(join(dir, 'nested'))).toEqual(['data']);
  }, 60_000);

  it('fills an empty folder', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    expect(await seedDataDirFromTemplate(dataDir)).toBe(true);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  }, 60_000);

  it('leaves a folder with anything in it to the broker', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    expect(await seedDataDirFromTemplate(dataDir)).toBe(false);
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
  });
});
