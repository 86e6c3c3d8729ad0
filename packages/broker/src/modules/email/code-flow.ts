import type { EmailCodePurpose, EmailCodeStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomCode, randomId } from '../../random.js';
import { attemptFlow, findOpenFlow, insertFlow, renewFlow, type FlowKey, type FlowRecord } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { takeCodeAttempt, takeMail } from '../sign-in/attempts.js';
import { recordSignInFailure } from '../sign-in/failures.js';
import { hashCode } from './codes.js';
import { addressInUseMail, alreadyRegisteredMail, codeMail } from './messages.js';

/** The transaction kind of every mailed-code flow (sign-in, sign-up, password reset). */
export const EMAIL_CODE = 'email-code';

/** What the flow mails: a code, a notice that the address already has an account, or nothing. */
export type FlowMail = 'code' | 'already-registered' | 'nothing';

/** The typed data of an email-code flow. */
export interface EmailCodeFlow {
  purpose: EmailCodePurpose;
  email: string;
  mails: FlowMail;
  return_to: string | null;
  /** ISO 8601; no new code before. */
  resend_after: string;
  /** Sign-up only: the account waiting for the address to be proven, with its password… */
  password_hash?: string;
  /** …or, passkey-first, none: the proven address then gets a passkey registration, and the account is made with the passkey. */
  passkey?: boolean;
  name?: string | null;
}

export interface StartCodeFlow {
  purpose: EmailCodePurpose;
  email: string;
  userId: string | null;
  mail: FlowMail;
  returnTo?: string | null;
  signUp?: Pick<EmailCodeFlow, 'password_hash' | 'passkey' | 'name'>;
}

const keyOf = (deps: Deps, browser: Browser, id: string): FlowKey => ({ id, kind: EMAIL_CODE, bindingHash: browser.bindingHash, now: deps.clock() });

function toEmailCodeStep(deps: Deps, flow: FlowRecord<EmailCodeFlow>): EmailCodeStep {
  return {
    step: 'email-code',
    flow_id: flow.id,
    email: flow.data.email,
    purpose: flow.data.purpose,
    methods: flow.data.purpose === 'sign-in' ? deps.config.signIn.methods : [],
    expires_at: flow.expiresAt.toISOString(),
    resend_after: flow.data.resend_after,
    attempts_left: Math.max(0, flow.maxAttempts - flow.attempts),
  };
}

/**
 * The mail a flow calls for. It is written whether or not anyone will get it,
 * so a flow for an address without an account does the same work as one with.
 */
function prepareMail(deps: Deps, flow: FlowRecord<EmailCodeFlow>, code: string) {
  const mail = codeMail(flow.data.email, flow.data.purpose, code, Math.round(deps.config.codes.ttlSeconds / 60));
  if (flow.data.mails === 'code') return mail;
  if (flow.data.mails !== 'already-registered') return null;
  return flow.data.purpose === 'email-change' ? addressInUseMail(flow.data.email) : alreadyRegisteredMail(flow.data.email);
}

/**
 * Opens a flow bound to this browser and hands its mail to the queue. The
 * answer, and the work behind it, are the same whatever is mailed, so it never
 * tells whether the address has an account — not by body, status or time.
 */
export async function startCodeFlow(deps: Deps, browser: Browser, start: StartCodeFlow): Promise<EmailCodeStep> {
  await takeMail(deps, browser, start.email);
  const now = deps.clock();
  const { codes } = deps.config;
  const id = randomId('flw');
  const code = randomCode();
  const codeHash = hashCode(await deps.secret(), id, code);
  const flow = await insertFlow<EmailCodeFlow>(deps.storage, {
    id,
    kind: EMAIL_CODE,
    bindingHash: browser.bindingHash,
    userId: start.userId,
    // A flow that mails no code can never be redeemed, yet answers exactly like one that does.
    secretHash: start.mail === 'code' ? codeHash : null,
    data: {
      purpose: start.purpose,
      email: start.email,
      mails: start.mail,
      return_to: start.returnTo ?? null,
      resend_after: new Date(now.getTime() + codes.resendAfterSeconds * 1000).toISOString(),
      ...start.signUp,
    },
    maxAttempts: codes.maxAttempts,
    createdAt: now,
    expiresAt: new Date(now.getTime() + codes.ttlSeconds * 1000),
  });
  deps.mail.deliver(prepareMail(deps, flow, code));
  return toEmailCodeStep(deps, flow);
}

/** Why a flow can take no attempt: used up by wrong codes, or gone (used, expired, unknown, another browser's). */
export async function notOpen(deps: Deps, key: FlowKey): Promise<ProblemError> {
  const flow = await findOpenFlow(deps.storage, key);
  return new ProblemError(flow && flow.attempts >= flow.maxAttempts ? 'too_many_attempts' : 'code_expired');
}

/** The open flow of `purpose` this browser holds, before its code is tried (callers check what they must first). */
export async function openCodeFlow(deps: Deps, browser: Browser, flowId: string, purpose: EmailCodePurpose): Promise<FlowRecord<EmailCodeFlow>> {
  const key = keyOf(deps, browser, flowId);
  const flow = await findOpenFlow<EmailCodeFlow>(deps.storage, key);
  if (!flow || flow.data.purpose !== purpose) throw new ProblemError('code_expired');
  if (flow.attempts >= flow.maxAttempts) throw new ProblemError('too_many_attempts');
  return flow;
}

/**
 * Tries `code` on the flow: one statement counts the attempt, compares and
 * consumes, so the flow's limit holds under any number of parallel guesses and
 * a right code works once. On a match `then` runs in the same transaction, so
 * the flow is used up only together with what it was for. A wrong code costs a
 * unit of the account's budget across all its flows — or, when this browser
 * (the one the flow is bound to) is a trusted device for the flow's address, of
 * the device's — and a right one costs nothing.
 */
export async function redeemCode<T>(deps: Deps, browser: Browser, flow: FlowRecord<EmailCodeFlow>, code: string, then: (tx: Db, flow: FlowRecord<EmailCodeFlow>) => Promise<T>): Promise<T> {
  const ticket = await takeCodeAttempt(deps, browser, flow.data.email);
  const key = keyOf(deps, browser, flow.id);
  const codeHash = hashCode(await deps.secret(), flow.id, code);
  const result = await deps.storage
    .transaction(async (tx) => {
      const attempt = await attemptFlow<EmailCodeFlow>(tx, key, codeHash);
      // A wrong sign-in code is a failed sign-in (the flow of an unknown address too, without its account id).
      if (attempt && !attempt.accepted && attempt.data.purpose === 'sign-in') {
        await recordSignInFailure(tx, deps, browser, { userId: attempt.userId, email: attempt.data.email, method: 'email_code', at: key.now });
      }
      return attempt?.accepted ? { attempt, value: await then(tx, attempt) } : { attempt };
    })
    .catch(async (error: unknown) => {
      // The code was right but what it was for failed (a parallel sign-up won): not a wrong guess.
      await ticket.giveBack();
      throw error;
    });
  if (!result.attempt) {
    await ticket.giveBack(); // nothing was compared
    throw await notOpen(deps, key);
  }
  if (result.attempt.accepted) {
    await ticket.giveBack();
    return result.value as T;
  }
  const attemptsLeft = result.attempt.maxAttempts - result.attempt.attempts;
  throw attemptsLeft > 0 ? new ProblemError('invalid_code', { attemptsLeft }) : new ProblemError('too_many_attempts');
}

/**
 * Mails a fresh code for an open flow of this browser; the old code stops
 * working and the attempts so far are kept. Flows that mail nothing (no
 * account) take the same path and stay code-less.
 */
export async function resendCode(deps: Deps, browser: Browser, flowId: string): Promise<EmailCodeStep> {
  const key = keyOf(deps, browser, flowId);
  const flow = await findOpenFlow<EmailCodeFlow>(deps.storage, key);
  if (!flow) throw new ProblemError('code_expired');
  if (flow.attempts >= flow.maxAttempts) throw new ProblemError('too_many_attempts');
  const wait = Math.ceil((Date.parse(flow.data.resend_after) - key.now.getTime()) / 1000);
  if (wait > 0) throw new ProblemError('rate_limited', { retryAfterSeconds: wait });
  await takeMail(deps, browser, flow.data.email);
  const { codes } = deps.config;
  const code = randomCode();
  const codeHash = hashCode(await deps.secret(), flow.id, code);
  const renewed = await renewFlow<EmailCodeFlow>(deps.storage, key, {
    secretHash: flow.data.mails === 'code' ? codeHash : null,
    expiresAt: new Date(key.now.getTime() + codes.ttlSeconds * 1000),
    data: { resend_after: new Date(key.now.getTime() + codes.resendAfterSeconds * 1000).toISOString() },
    notBeforeField: 'resend_after',
  });
  // Another resend of this flow won the race: it mailed the code.
  if (!renewed) throw new ProblemError('rate_limited', { retryAfterSeconds: codes.resendAfterSeconds });
  const mail = prepareMail(deps, renewed, code);
  // A notice about an existing account goes out once, not on every resend.
  deps.mail.deliver(renewed.data.mails === 'code' ? mail : null);
  return toEmailCodeStep(deps, renewed);
}
