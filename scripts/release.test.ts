import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from './pack.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = JSON.parse(readFileSync(`${root}/.changeset/config.json`, 'utf8'));

describe('release (Changesets)', () => {
  it('versions every published package together, and only those', () => {
    const published = publishedPackages().map((p) => p.name).sort();
    expect(published).toEqual(['@latchkey/broker', '@latchkey/client', '@latchkey/elements', '@latchkey/react', '@latchkey/server', '@latchkey/testing']);
    expect([...config.fixed[0]].sort()).toEqual(published);
    expect(config.access).toBe('public');
  });

});
