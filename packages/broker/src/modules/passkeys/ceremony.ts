import type { PasskeyConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { consumeFlow, consumeFlowWithPasskey, findOpenFlow, findOpenFlowWithPasskey, insertFlow, recordCounterRegression, type ConsumedFlow, type FlowKey, type FlowRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';

/**
 * Every passkey ceremony is a flow of the sign-in engine: its challenge lives
 * in the flow's data, the flow answers only the browser that asked for it,
 * expires with the browser's dialog, and is consumed by one conditional
 * statement together with what the ceremony was for: in the finishes the
 * broker serves most (a sign-in, adding a passkey), the flow is read, the
 * answer verified, and one statement consumes the flow — if still open — and
 * writes the result; elsewhere the flow is consumed first in the transaction
 * that writes the result. Either way a ceremony that fails writes nothing, so
 * its flow stays as it was.
 */

/** A discoverable sign-in (no email asked). */
export const PASSKEY_SIGN_IN = 'passkey-sign-in';
/** A signed-in user adding a passkey; the flow's user_id is theirs. */
export const PASSKEY_REGISTRATION = 'passkey-registration';
/** A passkey-first sign-up whose address is proven: the account is made with its passkey. */
export const PASSKEY_SIGN_UP = 'passkey-sign-up';
/** A passkey as the second factor of one user (opened by the MFA step). */
export const PASSKEY_SECOND_FACTOR = 'passkey-second-factor';

/** What every ceremony's flow carries: the challenge the authenticator must sign (base64url). */
export interface ChallengeData {
  challenge: string;
}

export interface PasskeySignInFlow extends ChallengeData {
  return_to: string | null;
}

export interface PasskeySignUpFlow extends ChallengeData {
  /** The new account's id, chosen now: it is the user handle the passkey is made for. */
  user_id: string;
  email: string;
  name: string | null;
  return_to: string | null;
  /** ISO 8601: a new challenge is refused after this (the proven address does not stay proven forever). */
  pending_until: string;
  /**
   * ISO 8601: this challenge is refused after this (the dialog's timeout). The
   * flow itself stays open until `pending_until`, so a dialog that timed out can
   * be restarted.
   */
  challenge_until: string;
}

/** Which ceremony a log line is about. */
export type Ceremony = 'sign-in' | 'sign-up' | 'registration' | 'second factor';

/** The passkey settings, or a refusal when the configuration offers no passkeys. */
export function passkeyConfig(deps: Deps): PasskeyConfig {
  if (!deps.config.passkeys) throw new ProblemError('invalid_request', { detail: 'passkeys are not offered' });
  return deps.config.passkeys;
}

/**
 * The passkey settings where sign-in offers passkeys (`signIn.methods` lists
 * `passkey`): a discoverable sign-in (the button, autofill) and a passkey-first
 * sign-up. Where only an RP ID is configured, passkeys are a second factor and
 * an account page's, and these are refused like passkeys that are off.
 */
export function passkeySignInConfig(deps: Deps): PasskeyConfig {
  if (!deps.config.signIn.methods.includes('passkey')) throw new ProblemError('invalid_request', { detail: 'passkey sign-in is not offered' });
  return passkeyConfig(deps);
}

/**
 * Opens a ceremony's flow, bound to this browser, expiring with the dialog. A
 * flow that must outlive its challenge (`keepUntil`: a pending sign-up) keeps
 * the challenge's own end in its data and checks it when finished.
 */
export function openCeremony<Data extends ChallengeData>(
  tx: Db,
  deps: Deps,
  browser: Browser,
  ceremony: { kind: string; userId: string | null; data: Data; keepUntil?: Date },
): Promise<FlowRecord<Data>> {
  const now = deps.clock();
  const expiresAt = ceremony.keepUntil ?? new Date(now.getTime() + passkeyConfig(deps).timeoutMs);
  return insertFlow<Data>(tx, {
    id: randomId('flw'),
    kind: ceremony.kind,
    bindingHash: browser.bindingHash,
    userId: ceremony.userId,
    secretHash: null,
    data: ceremony.data,
    maxAttempts: 0,
    createdAt: now,
    expiresAt,
  });
}

/** Why a ceremony's flow was not found open; all of these look the same to the caller. */
const NOT_OPEN = 'the ceremony is unknown, already finished, expired, or was started by another browser';

/** The refusal of a ceremony whose flow is not open (any more). */
export const notOpen = (ceremony: Ceremony) => rejected(ceremony, NOT_OPEN);

/** Which flow a finish is about: this browser's open flow of this kind, now. */
export const ceremonyKey = (deps: Deps, browser: Browser, flowId: string, kind: string): FlowKey => ({ id: flowId, kind, bindingHash: browser.bindingHash, now: deps.clock() });

/**
 * Consumes the open flow of this kind and browser, or refuses: unknown, used,
 * expired, another browser's and another kind's all look the same. Run it in
 * the transaction that writes the result, so a later failure gives it back.
 */
export async function consumeCeremony<Data extends ChallengeData>(tx: Db, deps: Deps, browser: Browser, flowId: string, kind: string, ceremony: Ceremony): Promise<ConsumedFlow<Data>> {
  const flow = await consumeFlow<Data>(tx, ceremonyKey(deps, browser, flowId, kind));
  if (!flow) throw notOpen(ceremony);
  return flow;
}

/**
 * `consumeCeremony` for an assertion: the same consumption, with the
 * credential the assertion names and its account read in the same statement
 * (both undefined when it is not registered here).
 */
export async function consumeAssertionCeremony<Data extends ChallengeData>(tx: Db, deps: Deps, browser: Browser, flowId: string, kind: string, ceremony: Ceremony, credentialId: string) {
  const consumed = await consumeFlowWithPasskey<Data>(tx, ceremonyKey(deps, browser, flowId, kind), credentialId);
  if (!consumed) throw notOpen(ceremony);
  return consumed;
}

/** The open flow of `key`, read only (its finish consumes it with a conditional statement), or the same refusal. */
export async function findCeremony<Data extends ChallengeData>(db: Db, key: FlowKey, ceremony: Ceremony): Promise<FlowRecord<Data>> {
  const flow = await findOpenFlow<Data>(db, key);
  if (!flow) throw notOpen(ceremony);
  return flow;
}

/** `findCeremony` for an assertion, with the credential it names and its account (both undefined when not registered here). */
export async function findAssertionCeremony<Data extends ChallengeData>(db: Db, key: FlowKey, ceremony: Ceremony, credentialId: string) {
  const found = await findOpenFlowWithPasskey<Data>(db, key, credentialId);
  if (!found) throw notOpen(ceremony);
  return found;
}

/** What may reach a log line from a refusal: no control characters, no long tokens, bounded. */
function forLog(reason: string): string {
  return reason
    .replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD')
    .replace(/[\w-]{32,}/g, '…')
    .slice(0, 300);
}

/**
 * A refused ceremony: the log says why (for the operator), the caller gets
 * `passkey_rejected` and nothing more (which check failed would help an attacker).
 */
export function rejected(ceremony: Ceremony, reason: string): ProblemError {
  console.warn(`[latchkey] passkey ${ceremony} refused: ${forLog(reason)}`);
  return new ProblemError('passkey_rejected');
}

/**
 * A correctly signed assertion whose counter did not move forward: the
 * authenticator may have been cloned (WebAuthn §6.1.1). Refused like any other
 * failure, and recorded once the transaction that found it has rolled back.
 */
export class CounterRegression extends ProblemError {
  constructor(
    readonly ceremony: Ceremony,
    readonly passkeyId: string,
    readonly stored: number,
    readonly received: number,
  ) {
    super('passkey_rejected');
  }
}

/**
 * Runs a ceremony's finish; a counter regression found in it is recorded once
 * the finish has written nothing (after the rollback of a transaction, where a
 * record written inside would be rolled back with it). The sign-in finish runs
 * in this, and whoever calls `verifyPasskeyAssertion` wraps its transaction in it.
 *
 * @example
 * await recordingCounterRegressions(deps, () => deps.storage.transaction((tx) => verifyPasskeyAssertion(tx, deps, browser, userId, flow, credential)));
 */
export async function recordingCounterRegressions<T>(deps: Deps, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CounterRegression) {
      await recordCounterRegression(deps.storage, error.passkeyId, deps.clock());
      rejected(error.ceremony, `counter regression on passkey ${error.passkeyId}: ${error.received} after ${error.stored} (a cloned authenticator?); recorded`);
    }
    throw error;
  }
}
