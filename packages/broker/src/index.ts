export { createBroker } from './broker.js';
export { parseBrokerConfig, ConfigError, type BrokerConfig, type BrokerConfigInput, type BrokerOptions } from './config.js';
export type { Deps } from './deps.js';
export type { Storage, Db } from './storage/storage.js';
export { createPgliteStorage, type PgliteStorageOptions } from './storage/pglite.js';
export { createPostgresStorage, type PostgresStorageOptions } from './storage/postgres.js';
export { migrate } from './storage/migrate.js';
export { outboxMailer, smtpMailer, type Mailer, type Mail } from './modules/email/mailer.js';
export { rotateSigningKey } from './modules/sessions/keys.js';
