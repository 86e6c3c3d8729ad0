import { z } from 'zod';
import type { Storage } from './storage/storage.js';
import type { Mailer } from './modules/email/mailer.js';

const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);
const window = z.object({ limit: z.int().positive(), windowSeconds: z.int().positive() });

/** The broker's settings. Parsed once at start-up; a bad field stops the broker and is named. */
export const brokerConfigSchema = z.object({
  /** The broker's own public URL: the token issuer and the origin its cookie belongs to. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Origins of host pages allowed to call the broker with credentials (CORS, CSRF and return_to). */
  allowedOrigins: z.array(origin).default([]),
  /** Dev mode: the /dev/outbox route exists. Never in production. */
  dev: z.boolean().default(false),
  /** Secret for code hashing; at least 32 characters. In dev mode a generated one is kept in the database. */
  secret: z.string().min(32).optional(),
  /** Honour X-Forwarded-For (only behind a proxy you run). */
  trustProxy: z.boolean().default(false),
  session: z.object({ maxAgeSeconds: z.int().positive().default(30 * 24 * 3600) }).prefault({}),
  token: z.object({ ttlSeconds: z.int().min(30).max(300).default(300) }).prefault({}),
  keys: z.object({ rotateAfterDays: z.number().positive().default(30) }).prefault({}),
  codes: z
    .object({
      ttlSeconds: z.int().positive().default(600),
      maxAttempts: z.int().positive().default(5),
      resendAfterSeconds: z.int().nonnegative().default(30),
    })
    .prefault({}),
  rateLimits: z
    .object({
      /** Every unsafe request, per client IP. */
      perIp: window.default({ limit: 300, windowSeconds: 60 }),
      /** Password attempts and mailed codes, per email address. */
      perAccount: window.default({ limit: 10, windowSeconds: 900 }),
    })
    .prefault({}),
  mail: z.object({ from: z.string().min(3).default('Latchkey <no-reply@localhost>') }).prefault({}),
});

export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;
export type BrokerConfig = z.output<typeof brokerConfigSchema>;

/** Thrown at start-up for a bad configuration; the message names every bad field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/**
 * Validates the configuration, naming each bad field.
 *
 * @example
 * parseBrokerConfig({ publicUrl: 'http://localhost:8787', allowedOrigins: ['http://localhost:5173'] });
 */
export function parseBrokerConfig(input: unknown): BrokerConfig {
  const parsed = brokerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new ConfigError(`latchkey config: ${reasons.join('; ')}`);
  }
  return parsed.data;
}

/** What createBroker takes: the configuration plus the things it runs on. */
export interface BrokerOptions extends BrokerConfigInput {
  storage: Storage;
  /** Defaults to the dev outbox in the database. */
  mailer?: Mailer;
  /** Injected time, for expiry tests without sleeping. */
  clock?: () => Date;
}
