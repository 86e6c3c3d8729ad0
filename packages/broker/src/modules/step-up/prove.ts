import type { EmailCodeStep, PasskeyStep, SessionInfo, StepUpChallenge, StepUpCodeRequest, StepUpMethod } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { consumeFlow, findOpenFlow, findUserById, insertFlow, type FlowKey, type LiveSession, type SessionUser, type UserRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { openCodeFlow, redeemCode, startCodeFlow } from '../email/code-flow.js';
import { attemptSecondFactor } from '../mfa/attempt.js';
import { proveTotp } from '../mfa/authenticator-app.js';
import { spendRecoveryCode } from '../mfa/recovery-codes.js';
import { ceremonyKey, notOpen, PASSKEY_SECOND_FACTOR, passkeyConfig, recordingCounterRegressions, type ChallengeData } from '../passkeys/ceremony.js';
import type { AssertionCredential } from '../passkeys/schema.js';
import { startPasskeySecondFactor } from '../passkeys/sign-in.js';
import { verifyPasskeyAssertion } from '../passkeys/verify.js';
import { verifyPassword } from '../password/hash.js';
import { toWireSession } from '../sessions/sessions.js';
import type { Browser } from '../sign-in/browser.js';
import { takePasswordAttempt } from '../sign-in/attempts.js';
import { addSessionFactor } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';
import { stepUpMethods } from './methods.js';

/** The transaction kind of a step-up: the session it is for, bound to the browser that holds it. */
export const STEP_UP = 'step-up';

interface StepUpFlow {
  /** Only this session gets the factor: a step-up of another session (or browser) unlocks nothing here. */
  session_id: string;
}

/** A passkey ceremony opened for a step-up: which session it is for (a sign-in's MFA ceremony names its pending sign-in instead). */
interface StepUpPasskeyCeremony extends ChallengeData {
  step_up_session?: string;
}

/** The signed-in request: its session and user. */
export interface SignedIn {
  session: LiveSession;
  user: SessionUser;
}

/** The account with its password hash, and what it can step up with; refuses a method it cannot use (`invalid_request`). */
async function accountFor(deps: Deps, current: SignedIn, method: StepUpMethod): Promise<{ user: UserRecord; methods: StepUpMethod[] }> {
  const user = await findUserById(deps.storage, current.user.id);
  if (!user) throw new ProblemError('unauthenticated');
  const methods = await stepUpMethods(deps, user);
  // With an authenticator app a password or mailed code would be proven and still not be enough: refused before it is counted.
  if (!methods.includes(method)) throw new ProblemError('invalid_request', { detail: `this account does not step up with ${method}` });
  return { user, methods };
}

/** Appends `factor` to the session and answers it: the step-up's last write, in the transaction of what proved it. */
async function proven(tx: Db, deps: Deps, current: SignedIn, factor: Factor): Promise<SessionInfo> {
  return toWireSession(await addSessionFactor(tx, deps, current.session.id, factor));
}

/**
 * `POST /v1/step-up`: opens a step-up for this session in this browser, with
 * its own attempt count (`codes.maxAttempts`) and the methods the account can
 * use (see `stepUpMethods`).
 */
export async function startStepUp(deps: Deps, browser: Browser, current: SignedIn): Promise<StepUpChallenge> {
  const user = await findUserById(deps.storage, current.user.id);
  if (!user) throw new ProblemError('unauthenticated');
  const now = deps.clock();
  const { codes } = deps.config;
  const flow = await insertFlow<StepUpFlow>(deps.storage, {
    id: randomId('flw'),
    kind: STEP_UP,
    bindingHash: browser.bindingHash,
    userId: user.id,
    secretHash: null,
    data: { session_id: current.session.id },
    maxAttempts: codes.maxAttempts,
    createdAt: now,
    expiresAt: new Date(now.getTime() + codes.ttlSeconds * 1000),
  });
  return { flow_id: flow.id, methods: await stepUpMethods(deps, user), email: user.email, expires_at: flow.expiresAt.toISOString(), attempts_left: flow.maxAttempts };
}

/** This browser's open step-up `flowId` for this very session, or `code_expired` (unknown, used, expired, another session's or browser's). */
async function openStepUp(deps: Deps, browser: Browser, current: SignedIn, flowId: string): Promise<FlowKey> {
  const key: FlowKey = { id: flowId, kind: STEP_UP, bindingHash: browser.bindingHash, now: deps.clock() };
  const flow = await findOpenFlow<StepUpFlow>(deps.storage, key);
  if (!flow || flow.userId !== current.user.id || flow.data.session_id !== current.session.id) throw new ProblemError('code_expired');
  return key;
}

/**
 * One answer on the step-up flow: counted on it in one conditional statement
 * and on the account's budget (`attemptSecondFactor`); `prove` answers the
 * factor when right. A right answer consumes the flow (once) and appends the
 * factor to the session in the same transaction.
 */
function answerStepUp(deps: Deps, browser: Browser, current: SignedIn, key: FlowKey, email: string, prove: (tx: Db) => Promise<Factor | undefined>, take?: typeof takePasswordAttempt) {
  return attemptSecondFactor<StepUpFlow, SessionInfo>(
    deps,
    browser,
    email,
    key,
    async (tx) => {
      const factor = await prove(tx);
      if (!factor) return undefined;
      if (!(await consumeFlow(tx, key))) throw new ProblemError('code_expired');
      return proven(tx, deps, current, factor);
    },
    take,
  );
}

/**
 * `POST /v1/step-up/password`. A wrong password spends the password budgets
 * sign-in spends (per account and address, or the trusted device's), so a
 * stranger guessing here locks the owner's own browser out no more than at
 * sign-in, and counts on the flow; it answers `invalid_credentials`.
 */
export async function stepUpWithPassword(deps: Deps, browser: Browser, current: SignedIn, flowId: string, password: string): Promise<SessionInfo> {
  const key = await openStepUp(deps, browser, current, flowId);
  const { user } = await accountFor(deps, current, 'password');
  try {
    return await answerStepUp(
      deps,
      browser,
      current,
      key,
      user.email,
      async () => ((await verifyPassword(user.passwordHash, password)) ? { method: 'pwd', at: deps.clock().toISOString() } : undefined),
      takePasswordAttempt,
    );
  } catch (error) {
    if (error instanceof ProblemError && error.code === 'invalid_code') throw new ProblemError('invalid_credentials', { attemptsLeft: error.extra.attemptsLeft });
    throw error;
  }
}

/** `POST /v1/step-up/code`: an authenticator-app code (its time step taken once) or a recovery code (spent). */
export async function stepUpWithCode(deps: Deps, browser: Browser, current: SignedIn, request: StepUpCodeRequest): Promise<SessionInfo> {
  const key = await openStepUp(deps, browser, current, request.flow_id);
  const { user } = await accountFor(deps, current, request.method === 'totp' ? 'totp' : 'recovery-code');
  return answerStepUp(deps, browser, current, key, user.email, async (tx) => {
    const at = deps.clock();
    if (request.method === 'totp') return proveTotp(tx, deps, user.id, request.code);
    return (await spendRecoveryCode(tx, user.id, request.code, at)) ? { method: 'recovery_code', at: at.toISOString() } : undefined;
  });
}

/** `POST /v1/step-up/passkey/options`: a challenge for the user's own passkeys (user verification as configured), for this session. */
export async function startStepUpPasskey(deps: Deps, browser: Browser, current: SignedIn): Promise<PasskeyStep> {
  passkeyConfig(deps);
  await accountFor(deps, current, 'passkey');
  return deps.storage.transaction((tx) => startPasskeySecondFactor(tx, deps, browser, current.user.id, { step_up_session: current.session.id } satisfies Omit<StepUpPasskeyCeremony, 'challenge'>));
}

/**
 * `POST /v1/step-up/passkey`: the assertion is checked as a second factor's,
 * restricted to the user's passkeys; the ceremony is consumed and the counter
 * moved (each once) with the factor appended, in one transaction. A signature
 * cannot be guessed, so nothing is counted.
 */
export async function stepUpWithPasskey(deps: Deps, browser: Browser, current: SignedIn, ceremonyId: string, credential: AssertionCredential): Promise<SessionInfo> {
  passkeyConfig(deps);
  const ceremony = await findOpenFlow<StepUpPasskeyCeremony>(deps.storage, ceremonyKey(deps, browser, ceremonyId, PASSKEY_SECOND_FACTOR));
  if (!ceremony || ceremony.data.step_up_session !== current.session.id) throw notOpen('second factor');
  return recordingCounterRegressions(deps, () =>
    deps.storage.transaction(async (tx) => {
      const { factor } = await verifyPasskeyAssertion(tx, deps, browser, current.user.id, ceremony, credential);
      return proven(tx, deps, current, factor);
    }),
  );
}

/** `POST /v1/step-up/email-code`: a code mailed to the account's own address (the mail budget as at sign-in). */
export async function sendStepUpEmailCode(deps: Deps, browser: Browser, current: SignedIn): Promise<EmailCodeStep> {
  const { user } = await accountFor(deps, current, 'email-code');
  return startCodeFlow(deps, browser, { purpose: 'step-up', email: user.email, userId: user.id, mail: 'code' });
}

/** `POST /v1/step-up/email-code/verify`: the mailed code, counted as every mailed code is (`redeemCode`). */
export async function stepUpWithEmailCode(deps: Deps, browser: Browser, current: SignedIn, flowId: string, code: string): Promise<SessionInfo> {
  const flow = await openCodeFlow(deps, browser, flowId, 'step-up');
  // Another account's code (signed out and in again in this browser) proves nothing for this one.
  if (flow.userId !== current.user.id) throw new ProblemError('code_expired');
  await accountFor(deps, current, 'email-code');
  return redeemCode(deps, browser, flow, code, (tx) => proven(tx, deps, current, { method: 'email_code', at: deps.clock().toISOString() }));
}
