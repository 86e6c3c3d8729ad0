import type { BrokerConfig } from './config.js';
import type { Mailer } from './modules/email/mailer.js';
import type { Storage } from './storage/storage.js';

/** Everything a module needs, passed in: no module keeps state of its own. */
export interface Deps {
  config: BrokerConfig;
  storage: Storage;
  mailer: Mailer;
  clock: () => Date;
  /** The secret behind code hashes (configured, or generated once per database in dev). */
  secret: () => Promise<string>;
}
