export type { SessionClaims } from './claims.js';
export { TokenError, type TokenErrorCode } from './errors.js';
export { verifyToken, tokenFromRequest, SESSION_TOKEN_TYPE, type VerifyOptions, type RequestWithHeaders } from './verify.js';
