import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { checkReturnTo, resumeUrlOf } from '../../http/guard/origin.js';
import { emailField, returnToField } from '../email/schema.js';
import { answerStep } from './answer.js';
import { browserOf } from './browser.js';
import { identify, type HomeRealm } from './identify.js';

export const identifySchema = z.strictObject({ email: emailField, return_to: returnToField, resume_url: returnToField });

/** POST /v1/sign-in/identify: an address of an organization's SSO domain goes to its IdP (`homeRealm`), any other to the first method. */
export function identifyRoutes(deps: Deps, homeRealm?: HomeRealm) {
  return new Hono().post('/identify', async (c) => {
    const body = await readJson(c, identifySchema);
    const returnTo = checkReturnTo(deps.config, body.return_to);
    // Checked for every address, so an off-allowlist resume_url is refused whatever the domain.
    const resumeUrl = resumeUrlOf(deps.config, c.req.header('origin'), body.resume_url);
    const browser = browserOf(c, deps.config);
    const step = (await homeRealm?.(browser, body.email, { resumeUrl, returnTo })) ?? (await identify(deps, browser, body.email, returnTo));
    return answerStep(c, deps, browser, { step });
  });
}
