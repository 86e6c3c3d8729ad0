import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBundle, bundleIsStale, bundlePaths } from './dev-bundle.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-dev-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Sets a file's modification time `seconds` from now. */
const touch = (path: string, seconds: number) => {
  const at = new Date(Date.now() + seconds * 1000);
  utimesSync(path, at, at);
};

describe('bundleIsStale', () => {
  const setUp = () => {
    const paths = bundlePaths('svc', join(dir, 'out'));
    mkdirSync(join(dir, 'out'));
    const input = join(dir, 'a.ts');
    writeFileSync(input, 'export {};');
    writeFileSync(paths.bundle, '');
    writeFileSync(paths.manifest, JSON.stringify({ inputs: [input] }));
    touch(input, -60);
    touch(paths.bundle, -30);
    return { paths, input };
  };

  it('is fresh when every input is older than the bundle', () => {
    expect(bundleIsStale(setUp().paths)).toBe(false);
  });

  it('is stale when an input was changed after the bundle was made', () => {
    const { paths, input } = setUp();
    touch(input, 0);
    expect(bundleIsStale(paths)).toBe(true);
  });

  it('is stale when an input is gone (a moved file, an upgraded dependency)', () => {
    const { paths, input } = setUp();
    rmSync(input);
    expect(bundleIsStale(paths)).toBe(true);
  });

  it('is stale without the bundle, or without a readable list of inputs', () => {
    const { paths } = setUp();
    writeFileSync(paths.manifest, '{"inputs":');
    expect(bundleIsStale(paths)).toBe(true);
    rmSync(paths.manifest);
    expect(bundleIsStale(paths)).toBe(true);
    writeFileSync(paths.manifest, JSON.stringify({ inputs: [] }));
    expect(bundleIsStale(paths)).toBe(false);
    rmSync(paths.bundle);
    expect(bundleIsStale(paths)).toBe(true);
  });
});

describe('buildBundle', () => {
  it('bundles TypeScript sources into one module that runs, lists them as inputs, and keeps import.meta.url meaning each source', async () => {
    const src = join(dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'data.txt'), 'read beside the source');
    writeFileSync(
      join(src, 'reader.ts'),
      "import { readFileSync } from 'node:fs';\nexport const text: string = readFileSync(new URL('./data.txt', import.meta.url), 'utf8');\n",
    );
    writeFileSync(join(src, 'main.ts'), "import { text } from './reader.ts';\nexport const answer: string = `${text}!`;\n");
    const paths = bundlePaths('svc', join(dir, 'out'));

    await buildBundle(join(src, 'main.ts'), paths);

    const bundled = await import(pathToFileURL(paths.bundle).href);
    expect(bundled.answer).toBe('read beside the source!');
    const { inputs } = JSON.parse(readFileSync(paths.manifest, 'utf8'));
    expect(inputs).toEqual(expect.arrayContaining([join(src, 'main.ts'), join(src, 'reader.ts')]));
    expect(bundleIsStale(paths)).toBe(false);
    // An edit after the build makes it stale, so the next start rebuilds.
    touch(join(src, 'reader.ts'), 5);
    expect(bundleIsStale(paths)).toBe(true);
  });
});
