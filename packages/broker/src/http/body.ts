import type { Context } from 'hono';
import type { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError, problemResponse } from './problem.js';

/** Bodies larger than this are refused while they stream in; the biggest real one is ~1 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Refuses an oversized body (declared or streamed) with 413, before any handler reads it. */
export const limitBodySize = () => bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => problemResponse(c, 'payload_too_large') });

/**
 * Reads and validates a JSON body at the edge: 415 for another media type, 413
 * past the size limit, 400 `malformed_json` and 400 `invalid_request` with the
 * failing fields. Handlers get typed, normalized input or never run.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ProblemError('unsupported_media_type');
  // The size limit is enforced while the body streams in, by bodyLimit() in broker.ts.
  const text = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProblemError('malformed_json');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ProblemError('invalid_request', {
      errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
    });
  }
  return parsed.data;
}
