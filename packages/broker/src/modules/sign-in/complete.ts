import type { DoneStep, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId, randomSecret } from '../../random.js';
import { consumeFlow, insertFlow, insertSession, type FlowRecord, type UserRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { hashSecret, toWireSession, toWireUser } from '../sessions/sessions.js';
import type { Browser } from './browser.js';

/** The transaction kind of a sign-in whose first factor passed and that is not done yet. */
export const PENDING_SIGN_IN = 'sign-in';

/** What a pending sign-in carries from factor to factor. */
export interface PendingSignIn {
  /** RFC 8176 methods proven so far, e.g. `["pwd"]`. */
  amr: string[];
  return_to: string | null;
}

/** How long a pending sign-in waits for its next factor. */
const PENDING_TTL_MS = 10 * 60_000;

/**
 * What a flow call answers: the next step, and — only when that step is
 * `done` — the session whose cookie the route sets. Domain functions never
 * touch the response; routes write cookies.
 */
export interface StepOutcome<S extends Step = Step> {
  step: S;
  session?: { secret: string; maxAgeSeconds: number };
}

/**
 * What a pending sign-in may still need before it is done, in order. Each
 * capability that gates a session (MFA, "SSO required" for a domain) adds one
 * entry: it looks at the user and the factors so far and answers the step to
 * ask for next, or undefined. None gates a session yet.
 */
type Requirement = (deps: Deps, user: UserRecord, pending: FlowRecord<PendingSignIn>) => Promise<Step | undefined>;
const REQUIREMENTS: Requirement[] = [];

/**
 * A first factor passed: records the pending sign-in, bound to this browser,
 * and lets `advanceSignIn` decide what comes next. Runs in the caller's
 * transaction, so a failed sign-in writes nothing.
 */
export async function completeFirstFactor(tx: Db, deps: Deps, browser: Browser, user: UserRecord, amr: string[], returnTo: string | null): Promise<StepOutcome> {
  const now = deps.clock();
  const pending = await insertFlow<PendingSignIn>(tx, {
    id: randomId('flw'),
    kind: PENDING_SIGN_IN,
    bindingHash: browser.bindingHash,
    userId: user.id,
    secretHash: null,
    data: { amr, return_to: returnTo },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
  });
  return advanceSignIn(tx, deps, browser, user, pending);
}

/**
 * The broker alone decides when a sign-in is done: the first requirement
 * still open answers its step; with none left, the pending sign-in is consumed
 * (once, even under a race) and the session opens.
 */
export async function advanceSignIn(tx: Db, deps: Deps, browser: Browser, user: UserRecord, pending: FlowRecord<PendingSignIn>): Promise<StepOutcome> {
  for (const requirement of REQUIREMENTS) {
    const step = await requirement(deps, user, pending);
    if (step) return { step };
  }
  const now = deps.clock();
  const consumed = await consumeFlow<PendingSignIn>(tx, { id: pending.id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now });
  if (!consumed) throw new ProblemError('code_expired');
  return openSession(tx, deps, browser, user, consumed.data);
}

/** Opens the session and answers `done`; its cookie secret goes back to the route only. */
async function openSession(tx: Db, deps: Deps, browser: Browser, user: UserRecord, pending: PendingSignIn): Promise<StepOutcome<DoneStep>> {
  const now = deps.clock();
  const secret = randomSecret();
  const maxAgeSeconds = deps.config.session.maxAgeSeconds;
  const session = await insertSession(tx, {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    amr: pending.amr,
    createdAt: now,
    expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000),
    ip: browser.ip ?? null,
    userAgent: browser.userAgent,
  });
  return {
    step: { step: 'done', user: toWireUser(user), session: toWireSession(session), return_to: pending.return_to },
    session: { secret, maxAgeSeconds },
  };
}
