import type { EmailCodeStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { limitAccount } from '../../http/guard/rate-limit.js';
import { randomCode, randomId } from '../../random.js';
import {
  consumeEmailFlow,
  findOpenEmailFlow,
  insertEmailFlow,
  recordWrongCode,
  replaceEmailFlowCode,
  type EmailFlowRecord,
  type FlowPurpose,
} from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { codeMatches, hashCode } from './codes.js';
import { alreadyRegisteredMail, codeMail } from './messages.js';

/** What the flow mails: a code, a notice that the address already has an account, or nothing. */
export type FlowMail = 'code' | 'already-registered' | 'nothing';

export interface StartEmailFlow {
  purpose: FlowPurpose;
  email: string;
  userId: string | null;
  mail: FlowMail;
  data?: Record<string, unknown>;
  returnTo?: string | null;
}

export function toEmailCodeStep(flow: EmailFlowRecord): EmailCodeStep {
  return {
    step: 'email-code',
    flow_id: flow.id,
    email: flow.email,
    purpose: flow.purpose,
    expires_at: flow.expiresAt.toISOString(),
    resend_after: flow.resendAfter.toISOString(),
  };
}

/**
 * Opens a flow and mails what it calls for. The answer is the same whatever is
 * mailed, so it never tells whether the address has an account.
 */
export async function startEmailFlow(deps: Deps, start: StartEmailFlow): Promise<EmailCodeStep> {
  await limitAccount(deps, start.email);
  const now = deps.clock();
  const { codes } = deps.config;
  const id = randomId('flw');
  const code = randomCode();
  const flow = await insertEmailFlow(deps.storage, {
    id,
    purpose: start.purpose,
    email: start.email,
    userId: start.userId,
    codeHash: start.mail === 'code' ? hashCode(await deps.secret(), id, code) : null,
    data: start.data ?? {},
    returnTo: start.returnTo ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + codes.ttlSeconds * 1000),
    resendAfter: new Date(now.getTime() + codes.resendAfterSeconds * 1000),
  });
  await sendFlowMail(deps, flow, start.mail, code);
  return toEmailCodeStep(flow);
}

async function sendFlowMail(deps: Deps, flow: EmailFlowRecord, mail: FlowMail, code: string) {
  if (mail === 'code') await deps.mailer.send(codeMail(flow.email, flow.purpose, code, Math.round(deps.config.codes.ttlSeconds / 60)));
  if (mail === 'already-registered') await deps.mailer.send(alreadyRegisteredMail(flow.email));
}

/**
 * Checks a submitted code. Wrong codes count against the flow (kept even though
 * the request fails); past the limit the flow is dead. Returns the open flow;
 * the caller consumes it together with its own writes in one transaction.
 */
export async function checkEmailCode(deps: Deps, flowId: string, code: string, purpose: FlowPurpose): Promise<EmailFlowRecord> {
  const flow = await findOpenEmailFlow(deps.storage, flowId, deps.clock());
  if (!flow || flow.purpose !== purpose) throw new ProblemError('code_expired');
  const max = deps.config.codes.maxAttempts;
  if (flow.attempts >= max) throw new ProblemError('too_many_attempts');
  if (!codeMatches(await deps.secret(), flow.id, code, flow.codeHash)) {
    const attempts = await recordWrongCode(deps.storage, flow.id);
    throw new ProblemError(attempts >= max ? 'too_many_attempts' : 'invalid_code');
  }
  return flow;
}

/** Marks the flow used inside the caller's transaction; a second use (even a concurrent one) fails. */
export async function consumeEmailCode(tx: Db, deps: Deps, flow: EmailFlowRecord): Promise<void> {
  if (!(await consumeEmailFlow(tx, flow.id, deps.clock()))) throw new ProblemError('code_expired');
}

/** Mails a fresh code for an open flow; the old code stops working and attempts are kept. */
export async function resendEmailCode(deps: Deps, flowId: string): Promise<EmailCodeStep> {
  const now = deps.clock();
  const flow = await findOpenEmailFlow(deps.storage, flowId, now);
  if (!flow) throw new ProblemError('code_expired');
  if (flow.attempts >= deps.config.codes.maxAttempts) throw new ProblemError('too_many_attempts');
  if (now < flow.resendAfter) {
    const wait = Math.ceil((flow.resendAfter.getTime() - now.getTime()) / 1000);
    throw new ProblemError('rate_limited', { headers: { 'retry-after': String(wait) } });
  }
  await limitAccount(deps, flow.email);
  const { codes } = deps.config;
  const code = randomCode();
  // Flows that never mailed a code (no account) stay code-less, but answer the same.
  const mailsCode = flow.codeHash !== null;
  const updated = await replaceEmailFlowCode(
    deps.storage,
    flow.id,
    mailsCode ? hashCode(await deps.secret(), flow.id, code) : null,
    new Date(now.getTime() + codes.ttlSeconds * 1000),
    new Date(now.getTime() + codes.resendAfterSeconds * 1000),
  );
  if (!updated) throw new ProblemError('code_expired');
  await sendFlowMail(deps, updated, mailsCode ? 'code' : 'nothing', code);
  return toEmailCodeStep(updated);
}
