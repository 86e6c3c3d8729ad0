/**
 * Why a token was refused:
 * - `missing_token`: the request carried none;
 * - `invalid_token`: forged, tampered, the wrong kind of JWT, another issuer or
 *   audience, a key the broker never published, or claims of the wrong shape;
 * - `expired_token`: past `exp`, or issued longer ago than `maxTokenAgeSeconds`;
 * - `jwks_unavailable`: the broker's keys could not be fetched, so the token
 *   could not be checked at all (answer 503, not 401: the user may be fine).
 *
 * @example
 * const status = (code: TokenErrorCode) => (code === 'jwks_unavailable' ? 503 : 401);
 */
export type TokenErrorCode = 'missing_token' | 'invalid_token' | 'expired_token' | 'jwks_unavailable';

/**
 * Thrown by `verifyToken` and the helpers. `cause` holds jose's error, for logs only:
 * never send it to the client.
 *
 * @example
 * try {
 *   claims = await verifyToken(token, { issuer: 'https://auth.example.com' });
 * } catch (error) {
 *   if (error instanceof TokenError && error.code === 'expired_token') return askForAFreshToken();
 *   throw error;
 * }
 */
export class TokenError extends Error {
  readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.code = code;
  }
}
