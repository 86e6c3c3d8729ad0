import type { Context } from 'hono';
import type { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError, problemResponse } from './problem.js';

/** Bodies larger than this are refused while they stream in; the biggest real one is ~1 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Refuses a body larger than `maxSize` bytes (declared or streamed) with 413, before any handler reads it. */
export const limitBodySize = (maxSize = MAX_BODY_BYTES) => bodyLimit({ maxSize, onError: (c) => problemResponse(c, 'payload_too_large') });

/**
 * C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F: Unicode's `Cc`) and lone
 * surrogates (`Cs`, which the `u` flag matches only when unpaired). No field the broker takes
 * (email, password, name, code, flow id, URL) has a use for them, and they break things
 * further on: PostgreSQL refuses a NUL in text and cannot encode a lone surrogate, a CR/LF
 * splits a mail header or a log line, C1's CSI (U+009B) drives terminals. Format characters
 * (`Cf`: ZWJ, ZWNJ, which emoji and several scripts need) are allowed.
 */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cs}]/u;
/** The same, but tab, LF and CR allowed: in the documents some admin fields carry (XML metadata, PEM certificates). */
const FORBIDDEN_IN_DOCUMENT = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;

/** A path into a parsed value, linked to its parent so a deep body costs no copying. */
type Path = { key: string | number; parent: Path } | undefined;
function dotted(path: Path): string {
  const keys: Array<string | number> = [];
  for (let at = path; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * Where in a parsed JSON value a string (a value or a key) holds a forbidden character,
 * as dotted paths like the schema's (`name`, `items.0.label`), at most `max` of them.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function forbiddenCharacterPaths(value: unknown, max = 10, documents: readonly string[] = []): string[] {
  const found: string[] = [];
  const pending: Array<[unknown, Path]> = [[value, undefined]];
  // A top-level field named in `documents` (and everything in it) may hold line breaks and tabs.
  const topKey = (path: Path) => {
    let at = path;
    while (at?.parent) at = at.parent;
    return at?.key;
  };
  while (pending.length > 0 && found.length < max) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      const forbidden = documents.includes(String(topKey(path))) ? FORBIDDEN_IN_DOCUMENT : FORBIDDEN_CHARACTER;
      if (forbidden.test(current)) found.push(dotted(path) || '(body)');
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) pending.push([current[index], { key: index, parent: path }]);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current).reverse()) {
        if (FORBIDDEN_CHARACTER.test(key)) found.push(dotted({ key: '(key)', parent: path }));
        pending.push([item, { key, parent: path }]);
      }
    }
  }
  return found;
}

/**
 * Reads and validates a JSON body at the edge: 415 for another media type, 413
 * past the size limit, 400 `malformed_json`, 400 `invalid_request` naming any string
 * field that holds a control character or a lone surrogate (checked once here, before
 * the schema, for every route; `documents` names top-level fields where line breaks and
 * tabs are text: XML metadata, PEM certificates), and 400 `invalid_request` with the failing fields.
 * Handlers get typed, normalized input or never run.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, options: { documents?: readonly string[] } = {}): Promise<z.output<S>> {
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
  const unreadable = forbiddenCharacterPaths(json, 10, options.documents);
  if (unreadable.length > 0) {
    throw new ProblemError('invalid_request', {
      errors: unreadable.map((path) => ({ path, message: 'Contains a control character or an unpaired surrogate' })),
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ProblemError('invalid_request', {
      errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
    });
  }
  return parsed.data;
}
