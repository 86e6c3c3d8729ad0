export * from './wire/index.js';
export type * from './types.js';
export { LatchkeyError, type LatchkeyErrorCode } from './errors.js';
export { connect, request } from './connection.js';
export * from './calls/sign-in.js';
export * from './calls/sign-up.js';
export * from './calls/session.js';
export { createSessionStore } from './session-store.js';
export { createClient } from './client.js';
