import { Hono, type Context } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';
import { emptySchema } from '../mfa/schema.js';
import { currentSession } from '../sessions/sessions.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf, keepBinding } from '../sign-in/browser.js';
import { sendStepUpEmailCode, startStepUp, startStepUpPasskey, stepUpWithCode, stepUpWithEmailCode, stepUpWithPasskey, stepUpWithPassword, type SignedIn } from './prove.js';
import { stepUpCodeSchema, stepUpEmailCodeSchema, stepUpPasskeySchema, stepUpPasswordSchema } from './schema.js';

async function signedIn(deps: Deps, c: Context): Promise<SignedIn> {
  const current = await currentSession(deps, c);
  if (!current) throw new ProblemError('unauthenticated');
  return current;
}

/**
 * Step-up for the signed-in user (session cookie; mounted under `/v1/step-up`
 * with the account routes' guards: a trusted Origin, a small JSON body, a
 * budget per address). Each proof appends its factor to this session and
 * answers `SessionInfo`:
 * - POST /v1/step-up -> `StepUpChallenge` (the methods, the flow);
 * - POST /v1/step-up/password, POST /v1/step-up/code (TOTP or recovery code);
 * - POST /v1/step-up/passkey/options -> `PasskeyStep`, then POST /v1/step-up/passkey;
 * - POST /v1/step-up/email-code -> `EmailCodeStep`, then POST /v1/step-up/email-code/verify.
 *
 * @example
 * app.use('/v1/step-up/*', ...flowGuards);
 * app.route('/v1/step-up', stepUpRoutes(deps));
 */
export function stepUpRoutes(deps: Deps) {
  return new Hono()
    .use(async (c, next) => {
      await next();
      c.header('cache-control', 'no-store');
    })
    .post('/', async (c) => {
      const current = await signedIn(deps, c);
      await readJson(c, emptySchema);
      const browser = browserOf(c, deps.config);
      const challenge = await startStepUp(deps, browser, current);
      keepBinding(c, deps.config, browser);
      return c.json(challenge);
    })
    .post('/password', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, stepUpPasswordSchema);
      return c.json(await stepUpWithPassword(deps, browserOf(c, deps.config), current, body.flow_id, body.password));
    })
    .post('/code', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, stepUpCodeSchema);
      return c.json(await stepUpWithCode(deps, browserOf(c, deps.config), current, body));
    })
    .post('/passkey/options', async (c) => {
      const current = await signedIn(deps, c);
      await readJson(c, emptySchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startStepUpPasskey(deps, browser, current) });
    })
    .post('/passkey', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, stepUpPasskeySchema);
      return c.json(await stepUpWithPasskey(deps, browserOf(c, deps.config), current, body.flow_id, body.credential));
    })
    .post('/email-code', async (c) => {
      const current = await signedIn(deps, c);
      await readJson(c, emptySchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await sendStepUpEmailCode(deps, browser, current) });
    })
    .post('/email-code/verify', async (c) => {
      const current = await signedIn(deps, c);
      const body = await readJson(c, stepUpEmailCodeSchema);
      return c.json(await stepUpWithEmailCode(deps, browserOf(c, deps.config), current, body.flow_id, body.code));
    });
}
