import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { pathId } from '../../http/path.js';
import { signedInUser } from '../sessions/sessions.js';
import { requireRecentAuth } from '../step-up/recent.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf, keepBinding } from '../sign-in/browser.js';
import { passkeyConfig } from './ceremony.js';
import { addPasskey, deleteUserPasskey, listPasskeys, renameUserPasskey, startAddPasskey } from './manage.js';
import { passkeyIdParam, passkeyRegistrationSchema, passkeyRenameSchema, passkeyReviewRemoveSchema, passkeySignInOptionsSchema, passkeySignInSchema, signUpPasskeyOptionsSchema } from './schema.js';
import { removeReviewedPasskeys } from './review.js';
import { finishPasskeySignIn, startPasskeySignIn } from './sign-in.js';
import { finishPasskeySignUp, restartPasskeySignUp } from './sign-up.js';
import { recordFactorChange } from '../orgs/joining/factor-events.js';
import { actorOf } from '../orgs/access.js';

/**
 * POST /v1/passkeys/sign-in/options, POST /v1/passkeys/sign-in/verify; and, for
 * the signed-in user (session cookie): POST /v1/passkeys/options, POST /v1/passkeys,
 * GET /v1/passkeys, PATCH and DELETE /v1/passkeys/:id. Every route answers
 * `invalid_request` while the configuration offers no passkeys.
 *
 * @example
 * app.use('/v1/passkeys/*', requireOrigin({ trusted }), limitBodySize(), rateLimit({ … }));
 * app.route('/v1/passkeys', passkeyRoutes(deps));
 */
export function passkeyRoutes(deps: Deps) {
  return new Hono()
    .use(async (_c, next) => {
      passkeyConfig(deps);
      await next();
    })
    .post('/sign-in/options', async (c) => {
      const body = await readJson(c, passkeySignInOptionsSchema);
      const returnTo = checkReturnTo(deps.config, body.return_to);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startPasskeySignIn(deps, browser, returnTo) });
    })
    .post('/sign-in/verify', async (c) => {
      const body = await readJson(c, passkeySignInSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await finishPasskeySignIn(deps, browser, body.flow_id, body.credential));
    })
    .post('/options', async (c) => {
      // No body: the session says who is adding a passkey. A new way in is a sensitive change: a recent sign-in first.
      const { user } = await requireRecentAuth(deps, c);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startAddPasskey(deps, browser, user) });
    })
    .post('/', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      const body = await readJson(c, passkeyRegistrationSchema);
      const browser = browserOf(c, deps.config);
      const passkey = await addPasskey(deps, browser, user, body);
      keepBinding(c, deps.config, browser);
      c.header('cache-control', 'no-store');
      return c.json(passkey, 201);
    })
    .get('/', async (c) => {
      const user = await signedInUser(deps, c);
      c.header('cache-control', 'no-store');
      return c.json(await listPasskeys(deps, user.id));
    })
    .patch('/:id', async (c) => {
      const user = await signedInUser(deps, c);
      const body = await readJson(c, passkeyRenameSchema);
      c.header('cache-control', 'no-store');
      return c.json(await renameUserPasskey(deps, user.id, pathId(c, passkeyIdParam), body.name));
    })
    .delete('/:id', async (c) => {
      // Renaming is not sensitive (issue 23 §4); deleting a way in is.
      const { user } = await requireRecentAuth(deps, c);
      await deleteUserPasskey(deps, user.id, pathId(c, passkeyIdParam));
      await recordFactorChange(deps.storage, actorOf(c, deps, user), { type: 'factor.removed', method: 'passkey' }, deps.clock());
      return c.body(null, 204);
    });
}

/**
 * POST /v1/sign-up/passkey/options, POST /v1/sign-up/passkey: the end of a
 * passkey-first sign-up (its start is POST /v1/sign-up without a password).
 *
 * @example
 * app.route('/v1/sign-up', passkeySignUpRoutes(deps));
 */
export function passkeySignUpRoutes(deps: Deps) {
  return new Hono()
    .post('/passkey/options', async (c) => {
      const body = await readJson(c, signUpPasskeyOptionsSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await restartPasskeySignUp(deps, browser, body.flow_id) });
    })
    .post('/passkey', async (c) => {
      const body = await readJson(c, passkeyRegistrationSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await finishPasskeySignUp(deps, browser, body), 201);
    });
}

/**
 * POST /v1/password-reset/passkeys/remove: right after a password reset, the
 * browser that finished it removes passkeys the reset's `review` listed, with
 * no session (see review.ts). Mounted under /v1/password-reset, so it takes
 * that group's guards: a trusted Origin, a small body, a budget per address.
 *
 * @example
 * app.route('/v1/password-reset', passkeyReviewRoutes(deps));
 */
export function passkeyReviewRoutes(deps: Deps) {
  return new Hono().post('/passkeys/remove', async (c) => {
    passkeyConfig(deps);
    const body = await readJson(c, passkeyReviewRemoveSchema);
    const browser = browserOf(c, deps.config);
    const removal = await removeReviewedPasskeys(deps, browser, body.flow_id, body.passkey_ids);
    c.header('cache-control', 'no-store');
    return c.json(removal);
  });
}
