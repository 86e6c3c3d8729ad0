import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One door to a session (DESIGN.md, "The sign-in engine"): every path that
 * opens a session goes through the engine (`completeFirstFactor`,
 * `advanceSignIn`, or a plan of `planFirstFactor`), so requirements (MFA, "SSO
 * required") can never be skipped by a module that writes `sessions` itself.
 * The SQL that inserts a session lives in storage/queries; this test finds the
 * query functions that do it and checks who calls them.
 */

const SRC = fileURLToPath(new URL('../../', import.meta.url));

/** Who may call a query that opens a session: the engine, and the passkey sign-in storing the engine's own plan in its one statement. */
const MAY_OPEN_SESSIONS: Record<string, { file: string; only?: RegExp }[]> = {
  insertSession: [{ file: 'modules/sign-in/complete.ts' }],
  // Writes what planFirstFactor decided (`plan.store`) together with the passkey's counter: nothing else.
  finishPasskeySignInOnce: [{ file: 'modules/passkeys/sign-in.ts', only: /finishPasskeySignInOnce\([^()]*\bplan\.store\)/ }],
};
const ENGINE = 'modules/sign-in/complete.ts';

/** Code without its comments (which may name a query to explain it). */
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The broker's source files (not tests or test helpers), by path under src/. */
function sourceFiles(dir = SRC): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test') for (const [p, text] of sourceFiles(path)) files.set(p, text);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.set(relative(SRC, path).split('\\').join('/'), withoutComments(readFileSync(path, 'utf8')));
    }
  }
  return files;
}

// A step-up's factor appended to a live session is a write of what a session proves: the engine's too.
const INSERTS_SESSION = /INSERT\s+INTO\s+\$?\{?\s*sessions\b|UPDATE\s+sessions\s+SET\s+factors\b|NEW_SESSION_COLUMNS|newSessionValues/;

/** Every place that writes a session outside the engine's door, as `file: reason`. */
function sessionDoorViolations(files: Map<string, string>): string[] {
  const violations: string[] = [];
  // The query functions whose body inserts a session (or uses the columns of one).
  const writers = new Set<string>();
  for (const [file, text] of files) {
    if (!file.startsWith('storage/queries/')) continue;
    for (const chunk of text.split(/(?=^export (?:async )?function )/m)) {
      const name = /^export (?:async )?function (\w+)/.exec(chunk)?.[1];
      if (name && INSERTS_SESSION.test(chunk)) writers.add(name);
    }
  }
  for (const [file, text] of files) {
    if (file.startsWith('storage/queries/')) continue;
    // SQL lives in storage/ only; a session's columns or an INSERT into sessions anywhere else is a second door.
    if (INSERTS_SESSION.test(text)) violations.push(`${file}: writes sessions itself`);
    // Any mention of a writer counts (imported under another name, called, handed on).
    for (const writer of writers) {
      if (!new RegExp(`\\b${writer}\\b`).test(text)) continue;
      const allowed = (MAY_OPEN_SESSIONS[writer] ?? [{ file: ENGINE }]).find((a) => a.file === file);
      if (!allowed) violations.push(`${file}: uses ${writer}, which opens a session outside the engine`);
      const calls = text.replace(/^import[^;]*;/gm, '').match(new RegExp(`\\b${writer}\\b[^;]*`, 'g')) ?? [];
      if (allowed?.only && !calls.every((call) => allowed.only!.test(call))) violations.push(`${file}: calls ${writer} with something else than the engine's plan`);
    }
  }
  return violations;
}

describe('one door to a session', () => {
  const files = sourceFiles();

  it('finds the query functions that open a session, and the engine calling them', () => {
    expect(files.get(ENGINE)).toMatch(/\binsertSession\(/);
    expect(files.get('storage/queries/sessions.ts')).toMatch(/export async function insertSession\b/);
  });

  it('lets no module write sessions except through the engine', () => {
    expect(sessionDoorViolations(files)).toEqual([]);
  });

  it('fails for a module that opens a session by itself, by query or by SQL, or stores a session of its own making', () => {
    const planted = new Map(files);
    planted.set('modules/oauth/callback.ts', `import { insertSession } from '../../storage/queries/index.js';\nawait insertSession(tx, { id, secretHash });`);
    planted.set('modules/orgs/switch.ts', `import { insertSession as open } from '../../storage/queries/index.js';\nexport const reopen = open;`);
    planted.set('modules/mfa/finish.ts', `import * as q from '../../storage/queries/index.js';\nconst write = q.insertSession;`);
    planted.set('modules/saml/acs.ts', "await tx.query(`INSERT INTO sessions (id) VALUES ($1)`, [id]);");
    planted.set('modules/step-up/shortcut.ts', `import { appendSessionFactor } from '../../storage/queries/index.js';\nawait appendSessionFactor(tx, id, factor, now, amrOf);`);
    planted.set('modules/passkeys/sign-in.ts', files.get('modules/passkeys/sign-in.ts')!.replace('plan.store)', '{ session: mine })'));
    // Sorted: the order of the files walked is not part of the rule.
    expect(sessionDoorViolations(planted).sort()).toEqual([
      "modules/passkeys/sign-in.ts: calls finishPasskeySignInOnce with something else than the engine's plan",
      'modules/oauth/callback.ts: uses insertSession, which opens a session outside the engine',
      'modules/orgs/switch.ts: uses insertSession, which opens a session outside the engine',
      'modules/mfa/finish.ts: uses insertSession, which opens a session outside the engine',
      'modules/saml/acs.ts: writes sessions itself',
      'modules/step-up/shortcut.ts: uses appendSessionFactor, which opens a session outside the engine',
    ].sort());
  });
});
