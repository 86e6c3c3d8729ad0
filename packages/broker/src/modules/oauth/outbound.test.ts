import { describe, expect, it } from 'vitest';
import { boundedFetch, IdpUnreachableError } from './outbound.js';

const limits = { timeoutMs: 200, maxResponseBytes: 1024 };

/** A body that streams `chunks` chunks of `size` bytes, one per tick. */
function streamOf(chunks: number, size: number) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ >= chunks) controller.close();
      else controller.enqueue(new Uint8Array(size));
    },
  });
}

describe('bounded outbound fetch', () => {
  it('passes a small answer through, body and status intact', async () => {
    const fetch = boundedFetch(async () => Response.json({ ok: true }, { status: 201 }), limits);
    const answer = await fetch('https://idp.example/x');
    expect([answer.status, await answer.json()]).toEqual([201, { ok: true }]);
  });

  it('refuses a Content-Length over the cap without reading the body', async () => {
    let pulled = 0;
    const body = new ReadableStream({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(10))) });
    const fetch = boundedFetch(async () => new Response(body, { headers: { 'content-length': '5000' } }), limits);
    await expect(fetch('https://idp.example/x')).rejects.toThrow(IdpUnreachableError);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('stops reading a streamed body the moment it passes the cap', async () => {
    const fetch = boundedFetch(async () => new Response(streamOf(1000, 100)), limits);
    await expect(fetch('https://idp.example/x')).rejects.toThrow(/more than the cap of 1024 bytes/);
  });

  it('gives up after the timeout, body included, and honours a signal of the caller', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        if (init?.signal?.aborted) reject(init.signal.reason);
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      });
    const started = performance.now();
    await expect(boundedFetch(hanging, limits)('https://idp.example/x')).rejects.toThrow(IdpUnreachableError);
    expect(performance.now() - started).toBeLessThan(200 + 300);

    const slowBody: typeof fetch = async (_input, init) =>
      new Response(new ReadableStream({ start: (c) => init?.signal?.addEventListener('abort', () => c.error(init.signal!.reason)) }));
    await expect(boundedFetch(slowBody, limits)('https://idp.example/x')).rejects.toThrow(IdpUnreachableError);

    const caller = new AbortController();
    caller.abort();
    await expect(boundedFetch(hanging, { ...limits, timeoutMs: 60_000 })('https://idp.example/x', { signal: caller.signal })).rejects.toThrow(IdpUnreachableError);
  });

  it('does not follow redirects (an IdP endpoint that redirects is answered as it is)', async () => {
    let seen: RequestInit | undefined;
    await boundedFetch(async (_i, init) => ((seen = init), new Response(null, { status: 302 })), limits)('https://idp.example/x');
    expect(seen?.redirect).toBe('manual');
  });
});
