import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { pathId } from '../../http/path.js';
import { signedInUser } from '../sessions/sessions.js';
import { requireRecentAuth } from '../step-up/recent.js';
import { answerStep } from '../sign-in/answer.js';
import { browserOf, keepBinding } from '../sign-in/browser.js';
import { confirmTotpEnrollment, removeTotp, startTotpEnrollment } from './authenticator-app.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { passkeySignInSchema } from '../passkeys/schema.js';
import { emptySchema, mfaEnrollSchema, mfaPasskeyOptionsSchema, mfaVerifySchema, totpConfirmSchema, totpIdParam } from './schema.js';
import { finishMfaPasskey, startMfaPasskey } from './passkey-step.js';
import { answerMfaStep } from './sign-in-step.js';
import { answerMfaEnrollStep } from './org-policy.js';
import { mfaStatus } from './status.js';
import { recordFactorChange } from '../orgs/joining/factor-events.js';
import { actorOf } from '../orgs/access.js';

/**
 * The signed-in user's second factors (session cookie; mounted under
 * `/v1/mfa`, with the guards of the account routes: a trusted Origin, a small
 * JSON body, a budget per address): GET /v1/mfa, POST /v1/mfa/totp, POST
 * /v1/mfa/totp/confirm, DELETE /v1/mfa/totp/:id, POST /v1/mfa/recovery-codes.
 * Every change to a factor is here, in one group, so a step-up guard can be
 * put in front of them in one place.
 *
 * @example
 * app.use('/v1/mfa/*', ...flowGuards);
 * app.route('/v1/mfa', mfaRoutes(deps));
 */
export function mfaRoutes(deps: Deps) {
  return new Hono()
    .use(async (c, next) => {
      await next();
      // Secrets and codes are shown once: never kept by a cache.
      c.header('cache-control', 'no-store');
    })
    .get('/', async (c) => {
      const user = await signedInUser(deps, c);
      return c.json(await mfaStatus(deps, user.id));
    })
    // Every change to a factor needs a recent sign-in (a second factor where the account has one), checked before the body is read.
    .post('/totp', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      await readJson(c, emptySchema);
      const browser = browserOf(c, deps.config);
      const enrollment = await startTotpEnrollment(deps, browser, user);
      keepBinding(c, deps.config, browser);
      return c.json(enrollment);
    })
    .post('/totp/confirm', async (c) => {
      const { user, session } = await requireRecentAuth(deps, c);
      const body = await readJson(c, totpConfirmSchema);
      const browser = browserOf(c, deps.config);
      return c.json(await confirmTotpEnrollment(deps, browser, user, body.enrollment_id, body.code, session.id), 201);
    })
    .delete('/totp/:id', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      await removeTotp(deps, user, pathId(c, totpIdParam), actorOf(c, deps, user));
      return c.body(null, 204);
    })
    .post('/recovery-codes', async (c) => {
      const { user } = await requireRecentAuth(deps, c);
      await readJson(c, emptySchema);
      const issued = await deps.storage.transaction(async (tx) => {
        await recordFactorChange(tx, actorOf(c, deps, user), { type: 'factor.added', method: 'recovery_codes' }, deps.clock());
        return issueRecoveryCodes(tx, user.id, deps.clock());
      });
      return c.json(issued, 201);
    });
}

/**
 * A pending sign-in's `mfa` step (under `/v1/sign-in`, with its guards); `done`
 * sets the session cookie:
 * - POST /v1/sign-in/mfa: a TOTP or recovery code (`MfaVerifyRequest`);
 * - POST /v1/sign-in/mfa/enroll: the `mfa-enroll` step, a new app's first code (`MfaEnrollRequest`);
 * - POST /v1/sign-in/mfa/passkey/options (`{ flow_id }`: the pending sign-in) ->
 *   `PasskeyStep` for the account's passkeys, then POST /v1/sign-in/mfa/passkey
 *   (`{ flow_id, credential }`: that step's ceremony and the assertion).
 *
 * @example
 * app.route('/v1/sign-in', mfaSignInRoutes(deps));
 */
export function mfaSignInRoutes(deps: Deps) {
  return new Hono()
    .post('/mfa', async (c) => {
      const body = await readJson(c, mfaVerifySchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await answerMfaStep(deps, browser, body));
    })
    .post('/mfa/enroll', async (c) => {
      const body = await readJson(c, mfaEnrollSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await answerMfaEnrollStep(deps, browser, body));
    })
    .post('/mfa/passkey/options', async (c) => {
      const body = await readJson(c, mfaPasskeyOptionsSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, { step: await startMfaPasskey(deps, browser, body.flow_id) });
    })
    .post('/mfa/passkey', async (c) => {
      const body = await readJson(c, passkeySignInSchema);
      const browser = browserOf(c, deps.config);
      return answerStep(c, deps, browser, await finishMfaPasskey(deps, browser, body.flow_id, body.credential));
    });
}
