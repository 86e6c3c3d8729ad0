/** Why a token was refused. */
export type TokenErrorCode = 'missing_token' | 'invalid_token' | 'expired_token' | 'jwks_unavailable';

/**
 * Thrown by `verifyToken` and the helpers. `code` says what to answer:
 * 401 for the first three, 503 for `jwks_unavailable`.
 *
 * @example
 * try { await verifyToken(token, { issuer }); } catch (e) { if (e instanceof TokenError) console.log(e.code); }
 */
export class TokenError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
