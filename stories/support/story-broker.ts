import type { LatchkeyClient } from '@latchkey/client';
import type { Loader } from '@storybook/web-components-vite';
import { FakeBroker, type FakeBrokerOptions } from '@latchkey/testing';

/** What a story's render and play get in `context.loaded`. */
export interface BrokerLoaded {
  broker: FakeBroker;
  client: LatchkeyClient;
}

// Switching a toolbar global (theme, dir) re-renders the story without remounting it: the
// loaders run again, but the element must keep the broker it is talking to, or a signed-in
// card would start over. Storybook keeps a story's AbortSignal until it remounts, so it
// keys one broker per mount (per loader: a story's own loader overrides its meta's, and
// Storybook runs both).

/**
 * A loader that gives the story an in-memory broker (the one the element tests use),
 * with `script` run once on it (accounts, scripted failures, latency).
 *
 * @example
 * loaders: [withBroker({ accounts: { 'ada@example.com': 'pw' } }, (b) => b.failNext.set('/v1/sign-in/identify', 'network'))]
 */
export function withBroker(options: FakeBrokerOptions = {}, script?: (broker: FakeBroker) => void): Loader {
  const perMount = new WeakMap<AbortSignal, BrokerLoaded>();
  return ({ abortSignal }) => {
    const known = abortSignal && perMount.get(abortSignal);
    if (known) return known;
    const broker = new FakeBroker(options);
    script?.(broker);
    const loaded = { broker, client: broker.client() };
    if (abortSignal) perMount.set(abortSignal, loaded);
    return loaded;
  };
}

/** The same as a test-friendly typed read of `context.loaded`. */
export function loadedBroker(loaded: Record<string, unknown>): BrokerLoaded {
  return loaded as unknown as BrokerLoaded;
}
