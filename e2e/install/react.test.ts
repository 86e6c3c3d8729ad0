import { join } from 'node:path';
import { chromium } from 'playwright';
import { expect, inject, test } from 'vitest';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';
import { freshProject, npmInstall, runIn } from './project.js';
import { serveStatic } from './static-server.js';

// README, Install, "React": the same component.
const APP = `import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LatchkeyConfig, SignIn } from '@latchkey/react';
import type { LkSignedInEvent } from '@latchkey/elements';

function App() {
  const [email, setEmail] = useState<string>();
  const signedIn = (event: LkSignedInEvent) => setEmail(event.detail.user.email);
  return (
    <LatchkeyConfig broker={import.meta.env.VITE_LATCHKEY_URL}>
      {email ? <p>Signed in as {email}</p> : <SignIn signUpUrl="/sign-up" onSignedIn={signedIn} />}
    </LatchkeyConfig>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
`;

const FILES = {
  'index.html': '<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>App</title></head><body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body></html>',
  'src/main.tsx': APP,
  'src/vite-env.d.ts': '/// <reference types="vite/client" />\n',
  'vite.config.ts': "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({ plugins: [react()] });\n",
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: false, types: ['vite/client'] },
    include: ['src'],
  }),
};

test('a Vite + React + TypeScript app installs @latchkey/react, type-checks its props and events, builds, and renders the sign-in card', async () => {
  const dir = freshProject('react', inject('packs'), {
    ours: ['@latchkey/react', '@latchkey/elements'],
    dependencies: { react: '^19.2.0', 'react-dom': '^19.2.0' },
    devDependencies: { vite: '^8.0.0', '@vitejs/plugin-react': '^6.0.0', typescript: '~5.9.3', '@types/react': '^19.2.0', '@types/react-dom': '^19.2.0' },
  }, FILES);
  await npmInstall(dir);

  const checked = await runIn(dir, 'npx', ['tsc', '--noEmit', '-p', '.']);
  expect(checked.output).toBe('');
  expect(checked.code).toBe(0);

  // The types bite: a misspelled prop and a handler for the wrong event do not compile.
  const { writeFileSync, rmSync } = await import('node:fs');
  writeFileSync(join(dir, 'src/typo.tsx'), "import { SignIn } from '@latchkey/react';\nexport const a = <SignIn signUpUrll=\"/sign-up\" />;\nexport const b = <SignIn onSignedIn={(event: MouseEvent) => event.button} />;\n");
  const typo = await runIn(dir, 'npx', ['tsc', '--noEmit', '-p', '.']);
  expect(typo.code).not.toBe(0);
  expect(typo.output).toMatch(/typo\.tsx\(2,\d+\): error TS\d+:.*signUpUrll/);
  expect(typo.output).toMatch(/typo\.tsx\(3,\d+\): error TS\d+/);
  rmSync(join(dir, 'src/typo.tsx'));

  const built = await runIn(dir, 'npx', ['vite', 'build'], { VITE_LATCHKEY_URL: inject('brokerUrl') });
  expect(built.code, built.output).toBe(0);

  const site = await serveStatic(join(dir, 'dist'), inject('pagePorts').react);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => void errors.push(error.message));
    await page.goto(site.url);
    const card = page.locator('lk-sign-in');
    await card.getByLabel('Email').waitFor();
    await expect.poll(() => card.getByRole('link', { name: 'Sign up' }).getAttribute('href'), { timeout: 15_000 }).toBe('/sign-up');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await site.close();
  }
});
