import type { DoneStep, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId, randomSecret } from '../../random.js';
import { appendSessionFactor, appendToFlowArray, consumeFlow, insertFlow, insertSession, type FlowRecord, type NewFlow, type NewSession, type SessionRecord, type SessionUser } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { auditEventRow, insertAuditRow, type AuditEventRow } from '../audit/record.js';
import { hashSecret, toWireSession, toWireUser } from '../sessions/sessions.js';
import type { Browser } from './browser.js';
import { amrOf, orgOf, type Factor, type FactorMethod } from './factors.js';
import { refuseSuspendedAccount } from './suspended.js';

/** The transaction kind of a sign-in whose first factor passed and that is not done yet. */
export const PENDING_SIGN_IN = 'sign-in';

/** What a pending sign-in carries from factor to factor. */
export interface PendingSignIn {
  /** The factors proven so far, in order (the first factor's, then each step's that passed). */
  factors: Factor[];
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
  /**
   * `email`: the account's normalized email, which the browser's device cookie is issued for;
   * `method`: how its first factor was proven (the sign-in metrics count by it).
   */
  session?: { secret: string; maxAgeSeconds: number; email: string; method: FactorMethod };
}

/**
 * Something a pending sign-in may still need before it is done (MFA, "SSO
 * required" for a domain, an organization's policy). It looks at the user and
 * the factors so far and answers the step to ask for next, or undefined. It
 * runs inside the caller's transaction and reads only through `tx`: a read
 * through `deps.storage` would wait forever for PGlite's lock (which the
 * transaction holds) and take a second connection from the PostgreSQL pool.
 * The list is per broker (`deps.requirements`, in order; see `createBroker`),
 * never a module-global.
 *
 * @example
 * const requireVerifiedEmail: Requirement = async (tx, deps, user, pending) => {
 *   const [row] = await tx.query<{ verified: boolean }>(...); // a query from storage/queries, on tx
 *   return row?.verified ? undefined : { step: 'email-code', ... };
 * };
 */
export type Requirement = (tx: Db, deps: Deps, user: SessionUser, pending: FlowRecord<PendingSignIn>) => Promise<Step | undefined>;

async function nextStep(tx: Db, deps: Deps, user: SessionUser, pending: FlowRecord<PendingSignIn>): Promise<Step | undefined> {
  // Before any requirement: a suspended account gets no step and no session, whatever passed.
  await refuseSuspendedAccount(tx, user.id);
  for (const requirement of deps.requirements) {
    const step = await requirement(tx, deps, user, pending);
    if (step) return step;
  }
  return undefined;
}

/** What a sign-in step leads to, decided before anything is written: the answer, and the row to store for it. */
export interface SignInPlan {
  outcome: StepOutcome;
  /**
   * The session to open (the answer is `done`) with the row of its `sign_in.succeeded` audit event
   * (`alongside`), written together; or the pending sign-in that waits for the step asked for.
   */
  store: { session: NewSession; alongside: AuditEventRow } | { pendingSignIn: NewFlow<PendingSignIn> };
}

/**
 * Decides what a first factor that just passed leads to, writing nothing: the
 * pending sign-in, bound to this browser, either waits for the step a
 * requirement asks for — stored, so the next call finds it — or, with nothing
 * more required, is done at once: the session opens, and nothing is stored
 * that could be used again. `db` is what the requirements read through: the
 * caller's transaction, or the storage when the caller holds none (a passkey
 * writes its plan in one statement with its own conditional write, and stores
 * it itself); everyone else calls `completeFirstFactor`.
 */
export async function planFirstFactor(db: Db, deps: Deps, browser: Browser, user: SessionUser, factor: Factor, returnTo: string | null): Promise<SignInPlan> {
  const now = deps.clock();
  const pending: FlowRecord<PendingSignIn> = {
    id: randomId('flw'),
    kind: PENDING_SIGN_IN,
    userId: user.id,
    data: { factors: [factor], return_to: returnTo },
    attempts: 0,
    // Its steps' wrong answers (an MFA code) are counted on it, as on a mailed code's flow.
    maxAttempts: deps.config.codes.maxAttempts,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PENDING_TTL_MS),
    consumedAt: null,
  };
  const step = await nextStep(db, deps, user, pending);
  if (!step) return planSession(deps, browser, user, pending.data);
  return { outcome: { step }, store: { pendingSignIn: { ...pending, bindingHash: browser.bindingHash, secretHash: null } } };
}

/**
 * A first factor passed: stores what `planFirstFactor` decided, in the
 * caller's transaction (so a failed sign-in writes nothing), and answers. A
 * factor that arrives by redirect comes in the same way, saying where it came
 * from: `{ method: 'oauth', at, provider: 'github' }`, or
 * `{ method: 'oidc', at, connection, org }` (the session then opens in `org`).
 *
 * @example
 * const outcome = await deps.storage.transaction((tx) =>
 *   completeFirstFactor(tx, deps, browser, user, { method: 'pwd', at: deps.clock().toISOString() }, returnTo));
 */
export async function completeFirstFactor(tx: Db, deps: Deps, browser: Browser, user: SessionUser, factor: Factor, returnTo: string | null): Promise<StepOutcome> {
  const plan = await planFirstFactor(tx, deps, browser, user, factor, returnTo);
  await storePlan(tx, plan);
  return plan.outcome;
}

/**
 * A later step of a stored pending sign-in passed, proving `proven`. The
 * broker alone decides when a sign-in is done: the first requirement still
 * open answers its step, and what this step proved is stored with the pending
 * sign-in (one conditional statement: this browser's, open), so the next call
 * finds it and that requirement is not asked again. With none left, the
 * pending sign-in is consumed (once, even under a race) and the session opens
 * with every factor proven on the way.
 */
export async function advanceSignIn(
  tx: Db,
  deps: Deps,
  browser: Browser,
  user: SessionUser,
  pending: FlowRecord<PendingSignIn>,
  proven: Factor,
): Promise<StepOutcome> {
  const now = deps.clock();
  const key = { id: pending.id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now };
  const step = await nextStep(tx, deps, user, { ...pending, data: { ...pending.data, factors: [...pending.data.factors, proven] } });
  if (step) {
    // Appended to what the row holds (not to what was read before): a parallel step's proof is kept too.
    const stored = await appendToFlowArray(tx, key, 'factors', proven);
    if (!stored) throw new ProblemError('code_expired');
    return { step };
  }
  const consumed = await consumeFlow<PendingSignIn>(tx, key);
  if (!consumed) throw new ProblemError('code_expired');
  // What the stored sign-in had proven (read under its consumption), and what this step proved.
  const plan = planSession(deps, browser, user, { ...consumed.data, factors: [...consumed.data.factors, proven] });
  await storePlan(tx, plan);
  return plan.outcome;
}

async function storePlan(tx: Db, plan: SignInPlan): Promise<void> {
  if ('session' in plan.store) {
    await insertSession(tx, plan.store.session);
    await insertAuditRow(tx, plan.store.alongside);
  } else await insertFlow(tx, plan.store.pendingSignIn);
}

/**
 * A new session and the `done` answer for it; its cookie secret goes back to
 * the route only. With it, the `sign_in.succeeded` audit event (issue 24 §5):
 * the organization the session opens in (or none), the methods (`amr`), the
 * browser's address and user agent; stored with the session, so no session
 * opens unrecorded.
 */
function planSession(deps: Deps, browser: Browser, user: SessionUser, pending: PendingSignIn): SignInPlan & { outcome: StepOutcome<DoneStep> } {
  const now = deps.clock();
  const secret = randomSecret();
  const maxAgeSeconds = deps.config.session.maxAgeSeconds;
  const session: NewSession = {
    id: randomId('ses'),
    secretHash: hashSecret(secret),
    userId: user.id,
    factors: pending.factors,
    amr: amrOf(pending.factors),
    orgId: orgOf(pending.factors),
    createdAt: now,
    expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000),
    ip: browser.ip ?? null,
    userAgent: browser.userAgent,
  };
  return {
    outcome: {
      step: { step: 'done', user: toWireUser(user), session: toWireSession(session), return_to: pending.return_to },
      session: { secret, maxAgeSeconds, email: user.email, method: pending.factors[0]!.method },
    },
    store: {
      session,
      alongside: auditEventRow({
        type: 'sign_in.succeeded',
        orgId: session.orgId,
        actor: { userId: user.id, email: user.email, ip: browser.ip ?? null, userAgent: browser.userAgent },
        target: { type: 'session', id: session.id },
        data: { methods: session.amr },
        at: now,
      }),
    },
  };
}

/**
 * A signed-in user proved `factor` again (step-up, modules/step-up/): it is
 * appended to their live session `sessionId`, with `amr` derived anew, in the
 * caller's transaction (so it lands together with what proved it: a TOTP step
 * taken, a recovery code spent, a ceremony consumed). The session keeps its id
 * and cookie. The engine, not the step-up module, writes sessions: one door.
 * `unauthenticated` when the session ended meanwhile (signed out, revoked,
 * expired), and then nothing is written.
 *
 * @example
 * const session = await deps.storage.transaction(async (tx) => addSessionFactor(tx, deps, current.session.id, factor));
 */
export async function addSessionFactor(tx: Db, deps: Deps, sessionId: string, factor: Factor): Promise<SessionRecord> {
  const session = await appendSessionFactor(tx, sessionId, factor, deps.clock(), amrOf);
  if (!session) throw new ProblemError('unauthenticated');
  return session;
}
