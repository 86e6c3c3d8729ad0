import type { BrokerConfig } from './config.js';
import type { RateLimitStore } from './http/guard/rate-limit.js';
import type { MailQueue } from './modules/email/mail-queue.js';
import type { Requirement } from './modules/sign-in/complete.js';
import type { BrokerMetrics } from './ops/metrics.js';
import type { Storage } from './storage/storage.js';

/** Everything a module needs, passed in: no module keeps state of its own. */
export interface Deps {
  config: BrokerConfig;
  storage: Storage;
  /** Mail leaves after the response (see mail-queue.ts). */
  mail: MailQueue;
  /** Budgets and attempt counters shared by every instance (in memory on PGlite, which has one). */
  rateLimits: RateLimitStore;
  clock: () => Date;
  /**
   * Every call to an identity provider (discovery, JWKS, token, userinfo) goes
   * through this fetch: bounded by `config.outbound` (time and response size).
   */
  fetch: typeof fetch;
  /**
   * Looks up a name's DNS TXT records (domain verification, modules/orgs); bounded by
   * `config.outbound.timeoutMs`, a failed or slow lookup rejects. Injected in tests.
   */
  resolveTxt: (name: string) => Promise<string[][]>;
  /** The secret behind code hashes (configured, or generated once per database in dev). */
  secret: () => Promise<string>;
  /**
   * What a pending sign-in may still need before its session opens, asked in
   * order (see `Requirement`): those the modules the configuration turns on add
   * (MFA, "SSO required"), then any `BrokerOptions.requirements`.
   */
  requirements: readonly Requirement[];
  /** This broker's Prometheus counts (`GET /metrics`): requests, sign-ins, rate-limit refusals. */
  metrics: BrokerMetrics;
}
