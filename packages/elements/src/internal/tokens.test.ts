import { describe, expect, it } from 'vitest';

// Every source file of the elements, as text (Vite's raw import).
const sources: Record<string, string> = import.meta.glob<string>('../**/*.ts', { query: '?raw', import: 'default', eager: true });
const docs = Object.entries(sources).filter(([path]) => /\/(sign-in|sign-up|user-button)\.ts$/.test(path));

describe('design tokens', () => {
  it('documents every --lk-* token the styles read, and reads every documented one', () => {
    const styles = Object.entries(sources)
      .filter(([path]) => !path.endsWith('.test.ts'))
      .map(([, text]) => text)
      .join('\n');
    const used = new Set([...styles.matchAll(/var\((--lk-[a-z0-9-]+)/g)].map((m) => m[1]));
    const documented = new Set(docs.flatMap(([, text]) => [...text.matchAll(/@cssproperty (--lk-[a-z0-9-]+)/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual([...documented].sort());
  });

  it('never declares a public token on :host, so a page theme can always reach it', () => {
    for (const [path, text] of Object.entries(sources)) {
      if (path.endsWith('.test.ts')) continue;
      expect(text, path).not.toMatch(/^\s*--lk-[a-z0-9-]+\s*:/m);
    }
  });
});
