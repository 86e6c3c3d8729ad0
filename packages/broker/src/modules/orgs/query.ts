import type { Context } from 'hono';
import type { z } from 'zod';
import { forbiddenCharacterPaths } from '../../http/body.js';
import { ProblemError } from '../../http/problem.js';

/**
 * The request's query string validated at the edge, as `readJson` does a body:
 * 400 `invalid_request` naming each failing parameter (a control character
 * included), never a 500 and never a half-understood filter.
 *
 * @example
 * const { after } = readQuery(c, memberPageSchema);
 */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const query = c.req.query();
  const unreadable = forbiddenCharacterPaths(query);
  if (unreadable.length > 0) throw new ProblemError('invalid_request', { errors: unreadable.map((path) => ({ path, message: 'Contains a control character or an unpaired surrogate' })) });
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw new ProblemError('invalid_request', { errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(query)', message: issue.message })) });
  }
  return parsed.data;
}
