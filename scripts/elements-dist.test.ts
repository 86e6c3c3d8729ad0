// @latchkey/elements as users install it (packages/elements/build.mjs): builds the package, then
// checks what the tarball ships. Here rather than beside build.mjs because the elements' own
// Vitest project runs in the browser, and this one drives the build, tsc and Chromium from Node.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from './chromium.mjs';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const pkg = join(root, 'packages/elements');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));

/** Every .js file under `dir`, as paths relative to the package. */
function jsFiles(dir: string): string[] {
  return readdirSync(join(pkg, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

/** package.json `sideEffects` globs (`*`, `**`) as a test of a package-relative path. */
const sideEffectful = (path: string) =>
  (manifest.sideEffects as string[]).some((glob) => new RegExp(`^${glob.replace(/^\.\//, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`).test(path));

/** Import specifiers of a module (static `from '…'`, effect-only `import '…'` and `import('…')`), its comments' examples left out. */
const specifiers = (code: string) =>
  [...code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);

describe('@latchkey/elements build (dist/, cdn/, custom-elements.json)', () => {
  beforeAll(async () => {
    await run(process.execPath, [join(pkg, 'build.mjs')], { cwd: pkg });
  }, 180_000);

  it('writes one module per published entry, each with its declarations, as the publishConfig exports say', () => {
    for (const [key, target] of Object.entries(manifest.publishConfig.exports as Record<string, string | { types: string; default?: string }>)) {
      const files = typeof target === 'string' ? [target] : Object.values(target);
      for (const file of files) expect(existsSync(join(pkg, file)), `${key}: ${file}`).toBe(true);
      if (typeof target !== 'string') expect(target.types, key).toMatch(/\.d\.ts$/);
    }
    expect(Object.keys(manifest.publishConfig.exports)).toEqual(expect.arrayContaining(Object.keys(manifest.exports)));
    // The tag and event maps survive into the declarations.
    expect(readFileSync(join(pkg, 'dist/sign-in/sign-in.d.ts'), 'utf8')).toMatch(/interface HTMLElementTagNameMap\s*{\s*'lk-sign-in': LkSignIn/);
    expect(readFileSync(join(pkg, 'dist/events/signed-in.d.ts'), 'utf8')).toContain('interface GlobalEventHandlersEventMap');
  });

  it('leaves lit, the client and the other dependencies to the user\'s bundler, and its import()s plain (no Vite preload helper)', () => {
    const bare = new Set<string>();
    for (const file of jsFiles('dist')) {
      const code = readFileSync(join(pkg, file), 'utf8');
      expect(code, file).not.toMatch(/__vitePreload|preload-helper/);
      for (const s of specifiers(code)) if (!s.startsWith('.')) bare.add(s.replace(/^(@[^/]+\/[^/]+|[^@/][^/]*).*$/, '$1'));
    }
    expect([...bare].sort()).toEqual(['@latchkey/client', '@lit/localize', 'lit', 'uqr']);
    // Lazy steps stay their own modules.
    expect(readFileSync(join(pkg, 'dist/sign-in/sign-in.steps.js'), 'utf8')).toContain('import("./steps/password.js")');
  });

  it('lists in sideEffects every module that registers an element or adds styles or checks when it loads', () => {
    const effects = /^(customElements\.define|addFormStyles|addFieldCheck|followPage|if \(typeof window)/m;
    const withEffects = jsFiles('dist').filter((file) => effects.test(readFileSync(join(pkg, file), 'utf8')));
    expect(withEffects).toEqual(expect.arrayContaining(['dist/sign-in.js', 'dist/localization.js', 'dist/sign-in/steps/password.js']));
    expect(withEffects.filter((file) => !sideEffectful(file))).toEqual([]);
    // …and not the events, which do nothing until constructed.
    expect(sideEffectful('dist/events/signed-in.js')).toBe(false);
  });

  it('types the elements in Preact JSX and Vue templates from the manifest, a misspelled attribute failing', async () => {
    // Each fixture holds `@ts-expect-error` lines: tsc fails if the types stop catching them.
    await Promise.all(['preact', 'solid', 'vue'].map((f) => run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(pkg, `test/types/tsconfig.${f}.json`)])));
    const elements = JSON.parse(readFileSync(join(pkg, 'custom-elements.json'), 'utf8'));
    const tags = elements.modules.flatMap((m: { declarations?: { tagName?: string }[] }) => (m.declarations ?? []).map((d) => d.tagName).filter(Boolean));
    expect(tags.sort()).toEqual(['lk-config', 'lk-mfa', 'lk-org-profile', 'lk-org-switcher', 'lk-sign-in', 'lk-sign-up', 'lk-user-button', 'lk-user-profile']);
    expect(elements.modules.every((m: { path: string }) => existsSync(join(pkg, m.path)))).toBe(true);
  }, 60_000);

  describe('cdn/latchkey.js on a plain page, no bundler', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      // Serves cdn/ under a deep path, as a CDN would: the locales must resolve beside latchkey.js.
      server = createServer((req, res) => {
        const path = req.url!.split('?')[0]!;
        if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><body><lk-sign-in broker="http://127.0.0.1:9"></lk-sign-in><script type="module" src="/npm/@latchkey/elements@0.1.0/cdn/latchkey.js"></script></body></html>');
        const file = join(pkg, 'cdn', path.replace('/npm/@latchkey/elements@0.1.0/cdn/', ''));
        if (!path.startsWith('/npm/@latchkey/elements@0.1.0/cdn/') || !existsSync(file)) return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('is one self-contained module (each translation apart, beside it)', () => {
      const code = readFileSync(join(pkg, 'cdn/latchkey.js'), 'utf8');
      expect(specifiers(code).filter((s) => !/^\.\/locales\/[\w-]+\.js$/.test(s))).toEqual([]);
      expect(jsFiles('cdn').sort()).toEqual(['cdn/latchkey.js', 'cdn/locales/ar.js', 'cdn/locales/de.js']);
      for (const locale of ['ar', 'de']) expect(specifiers(readFileSync(join(pkg, `cdn/locales/${locale}.js`), 'utf8'))).toEqual([]);
    });

    it('renders lk-sign-in, and setLocale(\'de\') from the module loads German from beside it', async () => {
      const browser = await chromium.launch(chromiumLaunchOptions());
      try {
        const page = await browser.newPage();
        const requests: string[] = [];
        page.on('request', (r) => requests.push(new URL(r.url()).pathname));
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(base);
        const title = page.locator('lk-sign-in [part="title"]');
        await expect.poll(() => title.textContent(), { timeout: 10_000 }).toBe('Sign in');
        // A string, so Vitest leaves its import() alone (it would rewrite a function's for Node).
        const cdnModule = "import('/npm/@latchkey/elements@0.1.0/cdn/latchkey.js')";
        await page.evaluate(`${cdnModule}.then((m) => m.setLocale('de'))`);
        await expect.poll(() => title.textContent(), { timeout: 10_000 }).toBe('Anmelden');
        expect(requests.filter((p) => p.endsWith('.js'))).toEqual(['/npm/@latchkey/elements@0.1.0/cdn/latchkey.js', '/npm/@latchkey/elements@0.1.0/cdn/locales/de.js']);
        // The public API comes with it.
        const api = await page.evaluate<string[]>(`${cdnModule}.then((m) => Object.keys(m))`);
        expect(api).toEqual(expect.arrayContaining(['LkSignIn', 'LkSignedInEvent', 'configure', 'getLocale', 'setLocale']));
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });

  it('packs only what users need', () => {
    expect(manifest.files).toEqual(['dist', 'cdn', 'custom-elements.json', 'README.md']);
    expect(manifest.customElements).toBe('custom-elements.json');
    expect(relative(pkg, join(pkg, manifest.publishConfig.types))).toBe('dist/index.d.ts');
  });
});
