/**
 * A verified account and a session token for it, straight through the broker's HTTP API as a
 * browser on `origin` would call it: sign up, the code from the dev outbox, the session cookie,
 * then `POST /v1/session/token` (its audience is the page's origin).
 */
export async function tokenForNewAccount(brokerUrl: string, origin: string, email: string, password: string): Promise<string> {
  const headers = { origin, 'content-type': 'application/json' };
  const started = await fetch(`${brokerUrl}/v1/sign-up`, { method: 'POST', headers, body: JSON.stringify({ email, password }) });
  if (started.status !== 202) throw new Error(`sign-up: ${started.status} ${await started.text()}`);
  const { flow_id } = (await started.json()) as { flow_id: string };
  const code = await mailedCode(brokerUrl, email);
  const verified = await fetch(`${brokerUrl}/v1/sign-up/verify`, { method: 'POST', headers, body: JSON.stringify({ flow_id, code }) });
  if (verified.status !== 201) throw new Error(`verify: ${verified.status} ${await verified.text()}`);
  const cookie = verified.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const minted = await fetch(`${brokerUrl}/v1/session/token`, { method: 'POST', headers: { origin, cookie } });
  if (!minted.ok) throw new Error(`token: ${minted.status} ${await minted.text()}`);
  return ((await minted.json()) as { token: string }).token;
}

/** The newest 6-digit code the dev outbox holds for `to`, waiting up to 10 s for it. */
export async function mailedCode(brokerUrl: string, to: string, seen = 0): Promise<string> {
  for (let tries = 0; tries < 40; tries++) {
    const messages = (await (await fetch(`${brokerUrl}/dev/outbox?to=${encodeURIComponent(to)}`)).json()) as Array<{ text: string }>;
    const code = messages.length > seen ? /\b(\d{6})\b/.exec(messages[0]!.text)?.[1] : undefined;
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no code mailed to ${to}`);
}

export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.test`;
