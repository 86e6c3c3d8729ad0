import { Hono } from 'hono';
import { secureHeaders as honoSecureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { notFound, onError, ProblemError } from '../problem.js';
import { secureHeaders } from './secure-headers.js';

/** An app answering JSON, a redirect, a refusal (the error handler) and a miss (the not-found handler). */
function appWith(middleware: ReturnType<typeof secureHeaders>) {
  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound);
  app.use(middleware);
  app.get('/json', (c) => c.json({ ok: true }));
  app.get('/redirect', (c) => c.redirect('/elsewhere', 303));
  app.get('/refused', () => {
    throw new ProblemError('unauthenticated');
  });
  return app;
}

const ours = appWith(secureHeaders());
const hono = appWith(honoSecureHeaders({ crossOriginResourcePolicy: 'same-site', referrerPolicy: 'no-referrer' }));

describe('secureHeaders', () => {
  it.each(['/json', '/redirect', '/refused', '/missing'])('sends exactly the headers of hono’s secureHeaders on %s', async (path) => {
    const [mine, theirs] = await Promise.all([ours.request(path), hono.request(path)]);
    expect(mine.status).toBe(theirs.status);
    expect(Object.fromEntries(mine.headers)).toEqual(Object.fromEntries(theirs.headers));
    expect(mine.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
