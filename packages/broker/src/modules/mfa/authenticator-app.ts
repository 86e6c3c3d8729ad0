import type { TotpConfirmation, TotpEnrollment, TotpFactor } from '@latchkey/client';
import { seal, sealingKey, unseal } from '../../crypto/sealing.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import {
  consumeFlow,
  deleteRecoveryCodes,
  deleteTotpFactor,
  findOpenFlow,
  findTotpFactor,
  insertFlow,
  insertTotpFactor,
  useTotpStep,
  type FlowKey,
  type SessionUser,
  type TotpFactorRecord,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { addSessionFactor } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';
import { attemptSecondFactor } from './attempt.js';
import { hasRecoveryCodes, issueRecoveryCodes } from './recovery-codes.js';
import { matchingStep, newTotpSecret, otpauthUri } from './totp.js';
import { refuseRemovingLastFactor } from './last-factor.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';
import type { AuditActor } from '../audit/record.js';

/** The flow kind of an authenticator app being added: its secret, sealed, until a first code confirms it. */
export const TOTP_ENROLLMENT = 'totp-enrollment';

interface TotpEnrollmentFlow {
  /** The base32 secret, sealed for this flow's id (purpose `totp-secret`). */
  sealed_secret: string;
}

/** How long an enrolment waits for its first code: time to find the phone and scan. */
const ENROLLMENT_TTL_MS = 10 * 60_000;

/** The key TOTP secrets are sealed under, each value for the row (flow or factor) that holds it. */
export const totpKey = async (deps: Deps) => sealingKey(await deps.secret(), 'totp-secret');

/** The name authenticator apps list the account under: the passkey RP name when passkeys are on, else the product's. */
export const issuerOf = (deps: Deps) => deps.config.passkeys?.rpName ?? 'Latchkey';

export const toWireTotp = (factor: TotpFactorRecord): TotpFactor => ({
  id: factor.id,
  type: 'totp',
  created_at: factor.createdAt.toISOString(),
  last_used_at: factor.lastUsedAt?.toISOString() ?? null,
});

const enrollmentKey = (deps: Deps, browser: Browser, id: string): FlowKey => ({ id, kind: TOTP_ENROLLMENT, bindingHash: browser.bindingHash, now: deps.clock() });

/**
 * The signed-in user starts adding an authenticator app: a new secret, kept
 * sealed in a flow of theirs bound to this browser, and the `otpauth://` URI
 * for the QR code. Nothing is enrolled until a code confirms it. An account
 * has one app at most: with one already, `invalid_request` (remove it first).
 */
export async function startTotpEnrollment(deps: Deps, browser: Browser, user: SessionUser): Promise<TotpEnrollment> {
  if (await findTotpFactor(deps.storage, user.id)) throw new ProblemError('invalid_request', { detail: 'an authenticator app is set up already; remove it first' });
  const now = deps.clock();
  const id = randomId('flw');
  const secret = newTotpSecret();
  const flow = await insertFlow<TotpEnrollmentFlow>(deps.storage, {
    id,
    kind: TOTP_ENROLLMENT,
    bindingHash: browser.bindingHash,
    userId: user.id,
    secretHash: null,
    data: { sealed_secret: seal(await totpKey(deps), id, secret) },
    maxAttempts: deps.config.codes.maxAttempts,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ENROLLMENT_TTL_MS),
  });
  return { enrollment_id: flow.id, secret, uri: otpauthUri(issuerOf(deps), user.email, secret), expires_at: flow.expiresAt.toISOString() };
}

/**
 * A first code from the app confirms it: the enrolment (this user's, this
 * browser's) takes its attempts like a sign-in's MFA step, and a right code
 * stores the factor — its secret sealed again for the factor's own row, the
 * code's step used, so that code cannot also finish a sign-in — and consumes
 * the enrolment, in one transaction. The account's first second factor also
 * gets its recovery codes, shown this once.
 */
export async function confirmTotpEnrollment(deps: Deps, browser: Browser, user: SessionUser, enrollmentId: string, code: string, sessionId?: string): Promise<TotpConfirmation> {
  const key = enrollmentKey(deps, browser, enrollmentId);
  const open = await findOpenFlow<TotpEnrollmentFlow>(deps.storage, key);
  // Another user's enrolment is as unknown as none.
  if (!open || open.userId !== user.id) throw new ProblemError('code_expired');
  const kek = await totpKey(deps);
  return attemptSecondFactor<TotpEnrollmentFlow, TotpConfirmation>(deps, browser, user.email, key, async (tx, flow) => {
    const now = deps.clock();
    const secret = unseal(kek, flow.id, flow.data.sealed_secret);
    const step = matchingStep(secret, code, now);
    if (step === undefined) return undefined;
    if (!(await consumeFlow(tx, key))) throw new ProblemError('code_expired');
    const confirmation = await storeTotpFactor(tx, deps, user.id, secret, step, now);
    await recordFactorChange(tx, actorOfBrowser(user, browser), { type: 'factor.added', method: 'totp' }, now);
    // The code just proved the app: the session that enrolled it holds a recent second factor, so the change
    // right after (new recovery codes) needs no step-up of its own.
    if (sessionId) await addSessionFactor(tx, deps, sessionId, { method: 'otp', at: now.toISOString() });
    return confirmation;
  });
}

/**
 * Stores a confirmed authenticator app in `tx`: its secret sealed for the
 * factor's own row, the confirming code's step taken (so that code cannot also
 * finish a sign-in), and — for the account's first second factor — its
 * recovery codes, answered to be shown once. An account with an app already
 * gets `invalid_request` (the unique key decides, so of parallel confirmations
 * one is stored). Shared by enrolment in the account and during sign-in.
 */
export async function storeTotpFactor(tx: Db, deps: Deps, userId: string, secret: string, step: number, now: Date): Promise<TotpConfirmation> {
  const id = randomId('totp');
  const factor = await insertTotpFactor(tx, { id, userId, sealedSecret: seal(await totpKey(deps), id, secret), createdAt: now, usedStep: step });
  if (!factor) throw new ProblemError('invalid_request', { detail: 'an authenticator app is set up already; remove it first' });
  const recovery = (await hasRecoveryCodes(tx, userId)) ? null : await issueRecoveryCodes(tx, userId, now);
  return { factor: toWireTotp(factor), recovery_codes: recovery?.codes ?? null };
}

/**
 * The factor a TOTP code proves for `userId`, or undefined: the account has an
 * app, the code is of the current step or one either side, and that step is
 * taken now by one conditional statement (no code twice, none older than one
 * taken). Run it in the transaction that uses the factor.
 */
export async function proveTotp(tx: Db, deps: Deps, userId: string, code: string): Promise<Factor | undefined> {
  const factor = await findTotpFactor(tx, userId);
  if (!factor) return undefined;
  const now = deps.clock();
  const step = matchingStep(unseal(await totpKey(deps), factor.id, factor.sealedSecret), code, now);
  if (step === undefined || !(await useTotpStep(tx, factor.id, step, now))) return undefined;
  return { method: 'otp', at: now.toISOString() };
}

/**
 * Removes the user's authenticator app. Its recovery codes go with it: they
 * stand in for the app, and with no app MFA no longer asks for either.
 */
export async function removeTotp(deps: Deps, user: SessionUser, id: string, actor: AuditActor): Promise<void> {
  await deps.storage.transaction(async (tx) => {
    // An organization's "MFA required" keeps the last second factor (see org-policy.ts), before anything is deleted.
    await refuseRemovingLastFactor(tx, deps, user.id);
    if (!(await deleteTotpFactor(tx, id, user.id))) throw new ProblemError('not_found');
    await deleteRecoveryCodes(tx, user.id);
    await recordFactorChange(tx, actor, { type: 'factor.removed', method: 'totp' }, deps.clock());
  });
}
