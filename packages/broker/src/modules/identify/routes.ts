import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { readJson } from '../../http/body.js';
import { emailField, returnToField } from '../email/schema.js';
import { identify } from './identify.js';

const identifySchema = z.strictObject({ email: emailField, return_to: returnToField });

/** POST /v1/sign-in/identify */
export function identifyRoutes(deps: Deps) {
  return new Hono().post('/identify', async (c) => {
    const body = await readJson(c, identifySchema);
    return c.json(identify(deps.config, body.email, body.return_to));
  });
}
