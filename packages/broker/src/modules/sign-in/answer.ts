import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../../deps.js';
import { sessionCookie } from '../sessions/cookie.js';
import { keepBinding, type Browser } from './browser.js';
import { trustDevice } from './device.js';
import type { StepOutcome } from './complete.js';

/**
 * Keeps the browser's new binding cookie, and sets the session cookie and the
 * device cookie for its account when (and only when) the outcome opened a
 * session. Every answer that ends a flow call — JSON or redirect — goes
 * through here, so no path sets a session cookie its own way; and so here, once
 * its transaction has committed, a sign-in that succeeded is counted in the
 * metrics (a failed one is counted where it is recorded, `recordSignInFailure`).
 */
export async function writeOutcomeCookies(c: Context, deps: Deps, browser: Browser, outcome: Pick<StepOutcome, 'session'>) {
  keepBinding(c, deps.config, browser);
  if (outcome.session) {
    deps.metrics.signIn(outcome.session.method, 'succeeded');
    sessionCookie(deps.config).write(c, outcome.session.secret, outcome.session.maxAgeSeconds);
    await trustDevice(c, deps, browser, outcome.session.email);
  }
  c.header('cache-control', 'no-store');
}

/**
 * Answers a flow call with its step (see `writeOutcomeCookies`). Every flow
 * route ends here; a refused call never gets this far.
 */
export async function answerStep(c: Context, deps: Deps, browser: Browser, outcome: StepOutcome, status: ContentfulStatusCode = 200) {
  await writeOutcomeCookies(c, deps, browser, outcome);
  return c.json(outcome.step, status);
}

/**
 * Answers a redirect callback with 303 to `location`, after the same cookies
 * as `answerStep` (the outcome's step itself waits in a result flow for
 * `GET /v1/sign-in/flow`).
 */
export async function answerRedirect(c: Context, deps: Deps, browser: Browser, outcome: Pick<StepOutcome, 'session'>, location: string) {
  await writeOutcomeCookies(c, deps, browser, outcome);
  return c.redirect(location, 303);
}
