import type { Context } from 'hono';
import { ProblemError } from './problem.js';

/**
 * The `:id` of the request's path if it has the shape of the ids it names, else
 * 404 `not_found`: a malformed id is as unknown as another account's, and never
 * reaches a query.
 *
 * @example
 * const id = pathId(c, /^pk_[\w-]{1,60}$/);
 */
export function pathId(c: Context, shape: RegExp): string {
  const id = c.req.param('id') ?? '';
  if (!shape.test(id)) throw new ProblemError('not_found');
  return id;
}
