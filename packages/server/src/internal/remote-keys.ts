import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/** A token naming a kid the cached set lacks refetches the set at most this often. */
export const UNKNOWN_KID_REFETCH_INTERVAL_MS = 1000;

/** How long a fetched key set is trusted by default: a key the broker withdraws verifies at most this long. */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 600;

/**
 * The broker's key set, fetched, parsed and cached by jose's `createRemoteJWKSet`,
 * refetched when it is `maxAgeMs` old, and at once when a token names a kid
 * it lacks (a rotation, `rotate-keys --now` included): at most once per
 * `UNKNOWN_KID_REFETCH_INTERVAL_MS`, with concurrent misses sharing the one
 * fetch, so a flood of made-up kids costs the broker one request a second.
 *
 * jose's own refetch on a miss is turned off (an endless cooldown): it counts
 * its cooldown (30 s by default) from the last fetch of any kind, so a key
 * published just after the set was filled was refused for up to 30 s.
 *
 * @example
 * const getKey = remoteKeySet(new URL('https://auth.example.com/.well-known/jwks.json'), { maxAgeMs: 600_000 });
 * await jwtVerify(token, getKey, { algorithms: ['ES256'] });
 */
export function remoteKeySet(url: URL, options: { maxAgeMs: number }): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(url, { cacheMaxAge: options.maxAgeMs, cooldownDuration: Infinity });
  let refetching: Promise<void> | undefined;
  let lastRefetchAt = -Infinity;

  /** The refetch to wait for, or undefined while the last one is too recent. */
  function refetchForUnknownKid(): Promise<void> | undefined {
    if (refetching) return refetching;
    if (Date.now() - lastRefetchAt < UNKNOWN_KID_REFETCH_INTERVAL_MS) return undefined;
    lastRefetchAt = Date.now();
    return (refetching = keys.reload().finally(() => (refetching = undefined)));
  }

  return async (header, token) => {
    // jose fetches before looking when it holds no set or an aged one: a miss then is not staleness.
    const fetchedJustNow = !keys.fresh;
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || fetchedJustNow) throw error;
      const refetch = refetchForUnknownKid();
      if (!refetch) throw error;
      await refetch;
      return keys(header, token);
    }
  };
}
