import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { ProblemError } from '../../http/problem.js';
import { listOutboxMessages } from '../../storage/queries/index.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf } from '../sign-in/browser.js';
import { resendCode } from './code-flow.js';
import { emailField, resendCodeSchema, returnToField, verifyCodeSchema } from './schema.js';
import { finishEmailCodeSignIn, startEmailCodeSignIn } from './sign-in-with-code.js';

export const emailCodeSignInSchema = z.strictObject({ email: emailField, return_to: returnToField });

/** POST /v1/sign-in/email-code, POST /v1/sign-in/email-code/verify */
export function emailCodeSignInRoutes(deps: Deps) {
  return new Hono()
    .post('/email-code', async (c) => {
      const body = await readJson(c, emailCodeSignInSchema);
      const returnTo = checkReturnTo(deps.config, body.return_to);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startEmailCodeSignIn(deps, browser, body.email, returnTo) }, 202);
    })
    .post('/email-code/verify', async (c) => {
      const body = await readJson(c, verifyCodeSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await finishEmailCodeSignIn(deps, browser, body.flow_id, body.code));
    });
}

/** POST /v1/email-code/resend */
export function emailCodeRoutes(deps: Deps) {
  return new Hono().post('/resend', async (c) => {
    const body = await readJson(c, resendCodeSchema);
    const browser = browserOf(c, deps.config);
    return answerStep(c, deps, browser, { step: await resendCode(deps, browser, body.flow_id) }, 202);
  });
}

/** GET /dev/outbox: mail the dev mailer kept, newest first. Mounted only in dev mode. */
export function devOutboxRoutes(deps: Deps) {
  return new Hono().get('/outbox', async (c) => {
    const to = c.req.query('to');
    const parsed = to === undefined ? undefined : emailField.safeParse(to);
    if (parsed && !parsed.success) throw new ProblemError('invalid_request', { errors: [{ path: 'to', message: 'Enter a valid email address' }] });
    const messages = await listOutboxMessages(deps.storage, parsed?.data, 100);
    return c.json(messages.map((m) => ({ id: m.id, to: m.to, subject: m.subject, text: m.text, created_at: m.createdAt.toISOString() })));
  });
}
