import type { DoneStep, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId, randomSecret } from '../../random.js';
import { consumeFlow, insertFlow, insertSession, type FlowRecord, type NewFlow, type NewSession, type SessionUser } from '../../storage/queries/index.js';
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
  /** `email`: the account's normalized email, which the browser's device cookie is issued for. */
  session?: { secret: string; maxAgeSeconds: number; email: string };
}

/**
 * What a pending sign-in may still need before it is done, in order. Each
 * capability that gates a session (MFA, "SSO required" for a domain) adds one
 * entry: it looks at the user and the factors so far and answers the step to
 * ask for next, or undefined. The engine stores the pending sign-in only when
 * one asks for a step. None gates a session yet (tests add one to see a
 * sign-in wait).
 */
export type Requirement = (deps: Deps, user: SessionUser, pending: FlowRecord<PendingSignIn>) => Promise<Step | undefined>;
export const REQUIREMENTS: Requirement[] = [];

async function nextStep(deps: Deps, user: SessionUser, pending: FlowRecord<PendingSignIn>): Promise<Step | undefined> {
  for (const requirement of REQUIREMENTS) {
    const step = await requirement(deps, user, pending);
    if (step) return step;
  }
  return undefined;
}

/** What a sign-in step leads to, decided before anything is written: the answer, and the row to store for it. */
export interface SignInPlan {
  outcome: StepOutcome;
  /** The session to open (the answer is `done`), or the pending sign-in that waits for the step asked for. */
  store: { session: NewSession } | { pendingSignIn: NewFlow<PendingSignIn> };
}

/**
 * Decides what a first factor that just passed leads to, writing nothing: the
 * pending sign-in, bound to this browser, either waits for the step a
 * requirement asks for — stored, so the next call finds it — or, with nothing
 * more required, is done at once: the session opens, and nothing is stored
 * that could be used again. A caller that must write the plan in one statement
 * with its own conditional write (a passkey's counter) stores it itself;
 * everyone else calls `completeFirstFactor`.
 */
export async function planFirstFactor(deps: Deps, browser: Browser, user: SessionUser, amr: string[], returnTo: string | null): Promise<SignInPlan> {
  const now = deps.clock();
  const pending: FlowRecord<PendingSignIn> = {
    id: randomId('flw'),
    kind: PENDING_SIGN_IN,
    userId: user.id,
    data: { amr, return_to: returnTo },
    attempts: 0,
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
    consumedAt: null,
  };
  const step = await nextStep(deps, user, pending);
  if (!step) return planSession(deps, browser, user, pending.data);
  return { outcome: { step }, store: { pendingSignIn: { ...pending, bindingHash: browser.bindingHash, secretHash: null } } };
}

/**
 * A first factor passed: stores what `planFirstFactor` decided, in the
 * caller's transaction (so a failed sign-in writes nothing), and answers.
 */
export async function completeFirstFactor(tx: Db, deps: Deps, browser: Browser, user: SessionUser, amr: string[], returnTo: string | null): Promise<StepOutcome> {
  const plan = await planFirstFactor(deps, browser, user, amr, returnTo);
  await storePlan(tx, plan);
  return plan.outcome;
}

/**
 * A later step of a stored pending sign-in passed, proving `proven` (RFC 8176
 * `amr` values, e.g. `["hwk", "user"]` for a passkey). The broker alone
 * decides when a sign-in is done: the first requirement still open answers its
 * step; with none left, the pending sign-in is consumed (once, even under a
 * race) and the session opens with every factor proven on the way.
 */
export async function advanceSignIn(
  tx: Db,
  deps: Deps,
  browser: Browser,
  user: SessionUser,
  pending: FlowRecord<PendingSignIn>,
  proven: string[],
): Promise<StepOutcome> {
  const amr = [...new Set([...pending.data.amr, ...proven])];
  const step = await nextStep(deps, user, { ...pending, data: { ...pending.data, amr } });
  if (step) return { step };
  const now = deps.clock();
  const consumed = await consumeFlow<PendingSignIn>(tx, { id: pending.id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now });
  if (!consumed) throw new ProblemError('code_expired');
  // What the stored sign-in had proven (read under its consumption), and what this step proved.
  const plan = planSession(deps, browser, user, { ...consumed.data, amr: [...new Set([...consumed.data.amr, ...proven])] });
  await storePlan(tx, plan);
  return plan.outcome;
}

async function storePlan(tx: Db, plan: SignInPlan): Promise<void> {
  if ('session' in plan.store) await insertSession(tx, plan.store.session);
  else await insertFlow(tx, plan.store.pendingSignIn);
}

/** A new session and the `done` answer for it; its cookie secret goes back to the route only. */
function planSession(deps: Deps, browser: Browser, user: SessionUser, pending: PendingSignIn): SignInPlan & { outcome: StepOutcome<DoneStep> } {
  const now = deps.clock();
  const secret = randomSecret();
  const maxAgeSeconds = deps.config.session.maxAgeSeconds;
  const session: NewSession = {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    amr: pending.amr,
    createdAt: now,
    expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000),
    ip: browser.ip ?? null,
    userAgent: browser.userAgent,
  };
  const { secretHash: _stored, ...record } = session;
  return {
    outcome: {
      step: { step: 'done', user: toWireUser(user), session: toWireSession({ ...record, lastSeenAt: now, revokedAt: null }), return_to: pending.return_to },
      session: { secret, maxAgeSeconds, email: user.email },
    },
    store: { session },
  };
}
