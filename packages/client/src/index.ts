export * from './wire/index.js';
export type * from './types.js';
