import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { checkReturnTo } from '../../http/guard/origin.js';
import { emailField, returnToField } from '../email/schema.js';
import { answerStep } from './answer.js';
import { browserOf } from './browser.js';
import { identify } from './identify.js';

const identifySchema = z.strictObject({ email: emailField, return_to: returnToField });

/** POST /v1/sign-in/identify */
export function identifyRoutes(deps: Deps) {
  return new Hono().post('/identify', async (c) => {
    const body = await readJson(c, identifySchema);
    const returnTo = checkReturnTo(deps.config, body.return_to);
    const browser = browserOf(c, deps.config);
    return answerStep(c, deps, browser, { step: await identify(deps, browser, body.email, returnTo) });
  });
}
