export * from './users.js';
export * from './sessions.js';
export * from './flows.js';
export * from './signing-keys.js';
export * from './outbox.js';
export * from './rate-limits.js';
export * from './secrets.js';
export * from './passkeys.js';
