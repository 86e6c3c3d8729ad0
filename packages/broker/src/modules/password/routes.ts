import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { verifyCodeSchema } from '../email/schema.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf } from '../sign-in/browser.js';
import { finishPasswordReset, startPasswordReset } from './reset.js';
import { passwordResetFinishSchema, passwordResetStartSchema, passwordSignInSchema, signUpSchema } from './schema.js';
import { signInWithPassword } from './sign-in.js';
import { finishSignUp, startSignUp } from './sign-up.js';

/** POST /v1/sign-up, POST /v1/sign-up/verify */
export function signUpRoutes(deps: Deps) {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, signUpSchema);
      return answerStep(c, deps, { step: await startSignUp(deps, browserOf(c, deps.config), body) }, 202);
    })
    .post('/verify', async (c) => {
      const body = await readJson(c, verifyCodeSchema);
      return answerStep(c, deps, await finishSignUp(deps, browserOf(c, deps.config), body.flow_id, body.code), 201);
    });
}

/** POST /v1/sign-in/password */
export function passwordSignInRoutes(deps: Deps) {
  return new Hono().post('/password', async (c) => {
    const body = await readJson(c, passwordSignInSchema);
    return answerStep(c, deps, await signInWithPassword(deps, browserOf(c, deps.config), body));
  });
}

/** POST /v1/password-reset, POST /v1/password-reset/finish */
export function passwordResetRoutes(deps: Deps) {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, passwordResetStartSchema);
      return answerStep(c, deps, { step: await startPasswordReset(deps, browserOf(c, deps.config), body.email) }, 202);
    })
    .post('/finish', async (c) => {
      const body = await readJson(c, passwordResetFinishSchema);
      return answerStep(c, deps, { step: await finishPasswordReset(deps, browserOf(c, deps.config), body.flow_id, body.code, body.password) });
    });
}
