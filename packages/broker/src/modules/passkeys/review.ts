import type { PasskeyReview, PasskeyReviewRemoval } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import { deleteReviewedPasskeys, insertFlow, listUserPasskeys, type FlowKey } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { passkeyConfig } from './ceremony.js';
import { toWirePasskey } from './manage.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';

/**
 * After a password reset the owner sees the account's passkeys and can remove
 * the ones they do not know, with no session: a session cookie copied before
 * the reset could have added a passkey, and a passkey survives the reset that
 * revokes every session. The review is a flow of the sign-in engine, bound to
 * the browser that finished the reset (`lk_flow`), open for 15 minutes, and
 * good only for the passkeys it listed; each one goes once (a deleted row stays
 * deleted), so the flow stays open for the next one.
 */
export const PASSKEY_REVIEW = 'passkey-review';

/** Long enough to look through the list and decide; short enough that a forgotten tab is no standing grant. */
export const PASSKEY_REVIEW_MS = 15 * 60_000;

interface PasskeyReviewData {
  passkey_ids: string[];
}

const reviewKey = (deps: Deps, browser: Browser, flowId: string): FlowKey => ({ id: flowId, kind: PASSKEY_REVIEW, bindingHash: browser.bindingHash, now: deps.clock() });

/**
 * Opens the review of `userId`'s passkeys in the reset's transaction, or
 * nothing when the account has none (then the reset answers exactly as it did
 * before reviews existed) or passkeys are not offered.
 */
export async function openPasskeyReview(tx: Db, deps: Deps, browser: Browser, userId: string): Promise<PasskeyReview | undefined> {
  if (!deps.config.passkeys) return undefined;
  const passkeys = await listUserPasskeys(tx, userId);
  if (!passkeys.length) return undefined;
  const now = deps.clock();
  const flow = await insertFlow<PasskeyReviewData>(tx, {
    id: randomId('flw'),
    kind: PASSKEY_REVIEW,
    bindingHash: browser.bindingHash,
    userId,
    secretHash: null,
    data: { passkey_ids: passkeys.map((p) => p.id) },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + PASSKEY_REVIEW_MS),
  });
  return { flow_id: flow.id, expires_at: flow.expiresAt.toISOString(), passkeys: passkeys.map(toWirePasskey) };
}

/**
 * Removes the listed passkeys named in `ids` (one conditional statement, see
 * `deleteReviewedPasskeys`) and answers what is left of the review. An id the
 * review did not list is ignored exactly like one removed already, so the
 * answer says nothing of other accounts. A review that is unknown, expired or
 * another browser's is `code_expired`.
 */
export async function removeReviewedPasskeys(deps: Deps, browser: Browser, flowId: string, ids: string[]): Promise<PasskeyReviewRemoval> {
  passkeyConfig(deps);
  const review = await deleteReviewedPasskeys(deps.storage, reviewKey(deps, browser, flowId), ids);
  if (!review) throw new ProblemError('code_expired');
  if (review.removed.length > 0) await recordFactorChange(deps.storage, actorOfBrowser({ id: review.userId, email: null }, browser), { type: 'factor.removed', method: 'passkey', count: review.removed.length }, deps.clock());
  const left = (await listUserPasskeys(deps.storage, review.userId)).filter((p) => review.listed.includes(p.id));
  return { flow_id: flowId, expires_at: review.expiresAt.toISOString(), passkeys: left.map(toWirePasskey), removed: review.removed };
}
