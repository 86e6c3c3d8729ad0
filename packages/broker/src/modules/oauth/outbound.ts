/**
 * Outbound HTTP to identity providers (discovery, JWKS, token, userinfo):
 * every call through one injected fetch, bounded in time and in size, so a
 * slow or hostile IdP never holds a request open nor fills the broker's memory.
 */

/** An IdP did not answer in time, could not be reached, or answered more than the cap. */
export class IdpUnreachableError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

export interface OutboundLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * Wraps `base` so each call aborts after `timeoutMs` (combined with any signal
 * of the caller's) and its body is cut off past `maxResponseBytes`: a
 * Content-Length over the cap is refused at once; otherwise the body is read
 * as it streams and the call fails the moment it passes the cap. The answer is
 * a fresh Response over the bytes read, so the timer covers the whole body.
 *
 * @example
 * const fetch = boundedFetch(globalThis.fetch, { timeoutMs: 5000, maxResponseBytes: 1 << 20 });
 * await oauth.discoveryRequest(issuer, { [oauth.customFetch]: fetch });
 */
export function boundedFetch(base: typeof fetch, limits: OutboundLimits): typeof fetch {
  return async function fetchBounded(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // A timer of our own, not AbortSignal.timeout: that one is unreferenced and, held only
    // weakly, can be collected before it fires, leaving a hung IdP call hanging.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${limits.timeoutMs} ms`, 'TimeoutError')), limits.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    const where = new URL(input instanceof Request ? input.url : String(input)).origin;
    try {
      const response = await base(input, { ...init, signal, redirect: 'manual' });
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > limits.maxResponseBytes) {
        await response.body?.cancel().catch(() => {});
        throw new IdpUnreachableError(`${where} answered ${declared} bytes, more than the cap of ${limits.maxResponseBytes}`);
      }
      const body = await readCapped(response, limits.maxResponseBytes, where);
      const headers = new Headers(response.headers);
      headers.delete('content-encoding');
      headers.delete('content-length');
      const copy = new Response(response.status === 204 || response.status === 304 ? null : (body as Uint8Array<ArrayBuffer>), { status: response.status, statusText: response.statusText, headers });
      // oauth4webapi checks `response.url` against nothing, but keep it for logs and redirects.
      Object.defineProperty(copy, 'url', { value: response.url });
      return copy;
    } catch (error) {
      if (error instanceof IdpUnreachableError) throw error;
      const why = error instanceof Error ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
      throw new IdpUnreachableError(`${where} did not answer within ${limits.timeoutMs} ms or could not be reached: ${why}`, error);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function readCapped(response: Response, cap: number, where: string): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      throw new IdpUnreachableError(`${where} answered more than the cap of ${cap} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
