// A tiny "browser" for tests: fetch with a cookie jar, following redirects by hand until it
// leaves the dev IdP (the client's redirect URI is never fetched, only returned).

export class TestBrowser {
  private cookies = new Map<string, { value: string; path: string }>();

  constructor(private readonly origin: string) {}

  private cookieHeader(url: URL): string {
    return [...this.cookies]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const path = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), { value: value.join('='), path });
    }
  }

  /** One request, no redirect followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.remember(response);
    return response;
  }

  /** Follows redirects while they stay on the dev IdP; answers the last response and the URL that left it, if any. */
  async navigate(url: string, init: RequestInit = {}): Promise<{ response: Response; left?: URL }> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, this.origin);
      if (next.origin !== this.origin) return { response, left: next };
      response = await this.request(next.href);
    }
    return { response };
  }

  /** Submits the sign-in form found in `html` (the first form), as a browser would. */
  async submit(html: string, fields: Record<string, string>, formIndex = 0) {
    const actions = [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    return this.navigate(actions[formIndex]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
