import type { MfaVerifyRequest } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findOpenFlow, findUserById, type FlowKey } from '../../storage/queries/index.js';
import type { Browser } from '../sign-in/browser.js';
import { advanceSignIn, PENDING_SIGN_IN, type PendingSignIn, type StepOutcome } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';
import { recordSignInFailure } from '../sign-in/failures.js';
import { attemptSecondFactor } from './attempt.js';
import { proveTotp } from './authenticator-app.js';
import { spendRecoveryCode } from './recovery-codes.js';

/**
 * Answers a pending sign-in's `mfa` step (`POST /v1/sign-in/mfa`) with a TOTP
 * or recovery code. The pending sign-in must be this browser's (`lk_flow`): an
 * id carried elsewhere finds nothing. The attempt is counted on it and on the
 * account's code budget (`attemptSecondFactor`); a right code is taken once
 * (the TOTP step, the recovery code: each one conditional statement), and the
 * engine decides what comes next — `done`, with every factor in the session.
 */
export async function answerMfaStep(deps: Deps, browser: Browser, request: MfaVerifyRequest): Promise<StepOutcome> {
  const key: FlowKey = { id: request.flow_id, kind: PENDING_SIGN_IN, bindingHash: browser.bindingHash, now: deps.clock() };
  const pending = await findOpenFlow<PendingSignIn>(deps.storage, key);
  const user = pending?.userId ? await findUserById(deps.storage, pending.userId) : undefined;
  if (!pending || !user) throw new ProblemError('code_expired');
  return attemptSecondFactor<PendingSignIn, StepOutcome>(deps, browser, user.email, key, async (tx, counted) => {
    const at = deps.clock();
    const factor: Factor | undefined =
      request.method === 'totp'
        ? await proveTotp(tx, deps, user.id, request.code)
        : (await spendRecoveryCode(tx, user.id, request.code, at))
          ? { method: 'recovery_code', at: at.toISOString() }
          : undefined;
    if (!factor) {
      await recordSignInFailure(tx, deps, browser, { userId: user.id, email: user.email, method: request.method === 'totp' ? 'otp' : 'recovery_code', at });
      return undefined;
    }
    return advanceSignIn(tx, deps, browser, user, counted, factor);
  });
}
