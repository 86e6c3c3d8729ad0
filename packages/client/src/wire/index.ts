export * from './problem.js';
export * from './auth.js';
export * from './session.js';
export * from './passkeys.js';
export * from './federation.js';
export * from './mfa.js';
export * from './step-up.js';
export * from './account.js';
