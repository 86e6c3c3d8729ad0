import type { TestBroker } from '../../test/harness.js';

export const ADA = 'ada@example.test';
export const BO = 'bo@example.test';
export const PASSWORD = 'correct horse battery staple';
export const NEW_PASSWORD = 'a brand new battery staple';

export const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** Another browser (its own cookies and address) signs in to `email` with the password. */
export async function signInElsewhere(b: TestBroker, email: string, options: { ip?: string; userAgent?: string; password?: string } = {}) {
  const browser = b.browser({ ip: options.ip ?? '198.51.100.20' });
  const headers: Record<string, string> = options.userAgent ? { 'user-agent': options.userAgent } : {};
  const done = await browser.call('POST', '/v1/sign-in/password', { json: { email, password: options.password ?? PASSWORD }, headers });
  if (done.body.step !== 'done') throw new Error(`sign-in failed: ${JSON.stringify(done.body)}`);
  return Object.assign(browser, { sessionId: done.body.session.id as string });
}

/** `email`'s account made in a browser of its own (the main browser keeps its session). */
export async function otherAccount(b: TestBroker, email: string, ip = '198.51.100.30') {
  const browser = b.browser({ ip });
  const started = await browser.post('/v1/sign-up', { email, password: PASSWORD });
  const done = await browser.post('/v1/sign-up/verify', { flow_id: started.body.flow_id, code: await b.lastCode(email) });
  if (done.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(done.body)}`);
  return Object.assign(browser, { sessionId: done.body.session.id as string, userId: done.body.user.id as string });
}

/** The stored password hash of `email` (to see that a refused change changed nothing). */
export async function passwordHashOf(b: TestBroker, email: string): Promise<string | null> {
  const rows = await b.deps.storage.query<{ password_hash: string | null }>(`SELECT password_hash FROM users WHERE email = $1`, [email]);
  return rows[0]?.password_hash ?? null;
}
