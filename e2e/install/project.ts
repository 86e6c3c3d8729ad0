import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The environment a user's shell has: without the npm_config_* variables pnpm sets for the
 * scripts it runs (this suite runs under `pnpm test`), which npm would read as its own settings.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
  return { ...env, ...extra };
}

/** Package name → path of its packed tarball (global-setup.ts packs them). */
export type Packs = Record<string, string>;

/**
 * A fresh project outside the repository (under the OS temp folder, so no workspace link or
 * hoisted node_modules of ours can answer an import): our packages come from their tarballs,
 * everything else from the npm registry. Each of our tarballs is also an override, so a
 * package of ours that depends on another (elements → client) gets the packed one, as it would
 * get the published one from the registry.
 */
export function freshProject(
  label: string,
  packs: Packs,
  manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; ours: string[] },
  files: Record<string, string>,
): string {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-install-${label}-`));
  const file = (name: string) => `file:${packs[name] ?? missing(name)}`;
  const ours = Object.fromEntries(manifest.ours.map((name) => [name, file(name)]));
  const pkg = {
    name: `latchkey-install-${label}`,
    private: true,
    type: 'module',
    dependencies: { ...ours, ...manifest.dependencies },
    devDependencies: manifest.devDependencies ?? {},
    overrides: Object.fromEntries(Object.keys(packs).map((name) => [name, file(name)])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function missing(name: string): never {
  throw new Error(`${name} was not packed (is it still private?)`);
}

/** `npm install` as a user runs it; the machine's npm cache makes repeated runs quick. */
export async function npmInstall(dir: string) {
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, env: userEnv(), timeout: 600_000, maxBuffer: 16 << 20 });
}

/** Runs a command in the project; resolves with its output whatever the exit code. */
export async function runIn(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: dir, env: userEnv(env), timeout: 300_000, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
