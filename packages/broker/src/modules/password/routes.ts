import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { verifyCodeSchema } from '../email/schema.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf } from '../sign-in/browser.js';
import { finishPasswordReset, startPasswordReset } from './reset.js';
import { passwordResetFinishSchema, passwordResetStartSchema, passwordSignInSchema, signUpSchema, signUpWithPasskeysSchema } from './schema.js';
import { signInWithPassword } from './sign-in.js';
import { finishSignUp, startSignUp } from './sign-up.js';

/** POST /v1/sign-up, POST /v1/sign-up/verify (passkey-first sign-ups finish in the passkeys module) */
export function signUpRoutes(deps: Deps) {
  // A sign-up without a password (passkey-first) only where sign-in offers passkeys.
  const schema = deps.config.signIn.methods.includes('passkey') ? signUpWithPasskeysSchema : signUpSchema;
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, schema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startSignUp(deps, browser, body) }, 202);
    })
    .post('/verify', async (c) => {
      const body = await readJson(c, verifyCodeSchema);
      const browser = browserOf(c, deps.config);
      const outcome = await finishSignUp(deps, browser, body.flow_id, body.code);
      // A passkey-first sign-up is not done yet: the code is used, the account comes with the passkey.
      return answerStep(c, deps, browser, outcome, outcome.step.step === 'passkey-registration' ? 200 : 201);
    });
}

/** POST /v1/sign-in/password */
export function passwordSignInRoutes(deps: Deps) {
  return new Hono().post('/password', async (c) => {
    const body = await readJson(c, passwordSignInSchema);
    const browser = browserOf(c, deps.config);
    return answerStep(c, deps, browser, await signInWithPassword(deps, browser, body));
  });
}

/** POST /v1/password-reset, POST /v1/password-reset/finish */
export function passwordResetRoutes(deps: Deps) {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, passwordResetStartSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startPasswordReset(deps, browser, body.email) }, 202);
    })
    .post('/finish', async (c) => {
      const body = await readJson(c, passwordResetFinishSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await finishPasswordReset(deps, browser, body.flow_id, body.code, body.password) });
    });
}
