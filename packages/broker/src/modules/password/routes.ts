import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { verifyCodeSchema } from '../email/schema.js';
import { finishPasswordReset, startPasswordReset } from './reset.js';
import { passwordResetFinishSchema, passwordResetStartSchema, passwordSignInSchema, signUpSchema } from './schema.js';
import { signInWithPassword } from './sign-in.js';
import { finishSignUp, startSignUp } from './sign-up.js';

/** POST /v1/sign-up, POST /v1/sign-up/verify */
export function signUpRoutes(deps: Deps) {
  return new Hono()
    .post('/', async (c) => c.json(await startSignUp(deps, await readJson(c, signUpSchema)), 202))
    .post('/verify', async (c) => {
      const body = await readJson(c, verifyCodeSchema);
      return c.json(await finishSignUp(deps, c, body.flow_id, body.code), 201);
    });
}

/** POST /v1/sign-in/password */
export function passwordSignInRoutes(deps: Deps) {
  return new Hono().post('/password', async (c) => c.json(await signInWithPassword(deps, c, await readJson(c, passwordSignInSchema))));
}

/** POST /v1/password-reset, POST /v1/password-reset/finish */
export function passwordResetRoutes(deps: Deps) {
  return new Hono()
    .post('/', async (c) => c.json(await startPasswordReset(deps, (await readJson(c, passwordResetStartSchema)).email), 202))
    .post('/finish', async (c) => {
      const body = await readJson(c, passwordResetFinishSchema);
      return c.json(await finishPasswordReset(deps, body.flow_id, body.code, body.password));
    });
}
