import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../../deps.js';
import { sessionCookie } from '../sessions/cookie.js';
import { keepBinding, type Browser } from './browser.js';
import { trustDevice } from './device.js';
import type { StepOutcome } from './complete.js';

/**
 * Answers a flow call with its step; keeps the browser's new binding cookie,
 * and sets the session cookie and the device cookie for its account when (and
 * only when) the outcome opened a session. Every flow route ends here; a
 * refused call never gets this far.
 */
export async function answerStep(c: Context, deps: Deps, browser: Browser, outcome: StepOutcome, status: ContentfulStatusCode = 200) {
  keepBinding(c, deps.config, browser);
  if (outcome.session) {
    sessionCookie(deps.config).write(c, outcome.session.secret, outcome.session.maxAgeSeconds);
    await trustDevice(c, deps, browser, outcome.session.email);
  }
  c.header('cache-control', 'no-store');
  return c.json(outcome.step, status);
}
