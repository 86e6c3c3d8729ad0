export type { SessionClaims } from './claims.js';
export { TokenError, type TokenErrorCode } from './errors.js';
export { createVerifier, verifyToken, tokenFromRequest, SESSION_TOKEN_TYPE, type Verifier, type VerifyOptions, type RequestWithHeaders } from './verify.js';
