/**
 * A verified account and a session token for it, straight through the broker's HTTP API as a
 * browser on `origin` would call it: sign up, the code from the dev outbox, the session cookie,
 * then `POST /v1/session/token` (its audience is the page's origin).
 */
export async function tokenForNewAccount(brokerUrl: string, origin: string, email: string, password: string): Promise<string> {
  // The browser's cookie jar, as far as this needs one: the flow cookie binds the sign-up to
  // this "browser", and the session cookie comes with the verified code.
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const headers = () => ({ origin, 'content-type': 'application/json', cookie: cookie() });
  const started = keep(await fetch(`${brokerUrl}/v1/sign-up`, { method: 'POST', headers: headers(), body: JSON.stringify({ email, password }) }));
  if (started.status !== 202) throw new Error(`sign-up: ${started.status} ${await started.text()}`);
  const { flow_id } = (await started.json()) as { flow_id: string };
  const code = await mailedCode(brokerUrl, email);
  const verified = keep(await fetch(`${brokerUrl}/v1/sign-up/verify`, { method: 'POST', headers: headers(), body: JSON.stringify({ flow_id, code }) }));
  if (verified.status !== 201) throw new Error(`verify: ${verified.status} ${await verified.text()}`);
  const minted = await fetch(`${brokerUrl}/v1/session/token`, { method: 'POST', headers: { origin, cookie: cookie() } });
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
