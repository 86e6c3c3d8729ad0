export type { SessionClaims } from './claims.js';
export { TokenError, type TokenErrorCode } from './errors.js';
export { verifyToken, tokenFromHeaders, SESSION_TOKEN_TYPE, type VerifyOptions } from './verify.js';
