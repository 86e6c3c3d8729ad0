import { z } from 'zod';
import type { Storage } from './storage/storage.js';
import type { Mailer } from './modules/email/mailer.js';

const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);
const window = z.object({
  limit: z.int().positive(),
  windowSeconds: z.int().positive(),
  /** After `free` hits, each further hit waits baseSeconds·2^(hits−free), at most maxSeconds. */
  backoff: z.object({ free: z.int().nonnegative(), baseSeconds: z.number().positive(), maxSeconds: z.number().positive() }).optional(),
});

/** The broker's settings. Parsed once at start-up; a bad field stops the broker and is named. */
export const brokerConfigSchema = z.object({
  /** The broker's own public URL: the token issuer and the origin its cookie belongs to. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Origins of host pages allowed to call the broker with credentials (CORS, CSRF and return_to). */
  allowedOrigins: z.array(origin).default([]),
  /**
   * Dev mode: mail goes to the public /dev/outbox route and a secret is generated. Only when
   * asked for, and only on a loopback `publicUrl` (see `isLoopbackUrl`): never in production.
   */
  dev: z.boolean().default(false),
  /** Secret for code hashing; at least 32 characters. In dev mode a generated one is kept in the database. */
  secret: z.string().min(32).optional(),
  /**
   * How many proxies of yours stand in front of the broker, each appending the address it
   * saw to X-Forwarded-For. The client address is the entry this many from the right;
   * 0 (the default) ignores the header and takes the socket's address.
   */
  trustedProxies: z.int().min(0).max(16).default(0),
  session: z.object({ maxAgeSeconds: z.int().positive().default(30 * 24 * 3600) }).prefault({}),
  token: z
    .object({
      ttlSeconds: z.int().min(30).max(300).default(300),
      /**
       * The `aud` values session tokens may carry: one per host app (its origin or
       * any identifier its backend expects). Defaults to `allowedOrigins`, or
       * `[publicUrl]` when there are none. Which one a mint gets: see `tokenAudience`.
       */
      audiences: z.array(z.string().trim().min(1).max(512)).min(1).optional(),
    })
    .prefault({}),
  keys: z.object({ rotateAfterDays: z.number().positive().default(30) }).prefault({}),
  codes: z
    .object({
      ttlSeconds: z.int().positive().default(600),
      maxAttempts: z.int().positive().default(5),
      resendAfterSeconds: z.int().nonnegative().default(30),
    })
    .prefault({}),
  signIn: z
    .object({
      /**
       * What identify offers every address, first one first. Chosen here (and,
       * with SSO, by the email's domain), never by whether the account exists.
       */
      methods: z.array(z.enum(['password', 'email-code'])).min(1).refine((m) => new Set(m).size === m.length, 'list each method once').default(['password', 'email-code']),
    })
    .prefault({}),
  /** Lockout and abuse policy (NIST SP 800-63B §5.2.2); see the README's "Attempts and lockout". */
  rateLimits: z
    .object({
      /** Unsafe requests to the flow routes, per client address. */
      perIp: window.default({ limit: 300, windowSeconds: 60 }),
      /** Failed passwords per (account, client address), with backoff after the first few. */
      passwordPerAccountAndIp: window.default({ limit: 10, windowSeconds: 900, backoff: { free: 3, baseSeconds: 1, maxSeconds: 60 } }),
      /** Failed passwords per account from anywhere: looser, so strangers cannot cheaply block the owner's password. */
      passwordPerAccount: window.default({ limit: 100, windowSeconds: 3600 }),
      /** Wrong codes per account across all its flows: stops slow guessing (flows each take only a few). */
      codeFailuresPerAccount: window.default({ limit: 30, windowSeconds: 86_400 }),
      /** Mailed codes per address, on a budget of their own so password throttling never blocks them. */
      mailPerAccount: window.default({ limit: 10, windowSeconds: 900 }),
    })
    .prefault({}),
  mail: z.object({ from: z.string().min(3).default('Latchkey <no-reply@localhost>') }).prefault({}),
})
  // Dev mode publishes every mailed code at /dev/outbox: refused unless only this machine can reach it.
  .refine((config) => !config.dev || isLoopbackUrl(config.publicUrl), {
    path: ['dev'],
    message: 'dev mode is only for a loopback publicUrl (localhost, 127.0.0.0/8 or [::1]); unset it (LATCHKEY_DEV) in production',
  })
  // Token audiences default to the host pages (or the broker itself): resolved here so every reader sees a list.
  .transform(({ token, ...config }) => ({
    ...config,
    token: { ...token, audiences: token.audiences ?? (config.allowedOrigins.length > 0 ? config.allowedOrigins : [config.publicUrl]) },
  }));

/**
 * Whether a URL's host is this machine: `localhost`, 127.0.0.0/8 or `[::1]` (the WHATWG
 * parser has already normalized `127.1` and `[0:0::1]` to those forms).
 *
 * @example
 * isLoopbackUrl('http://127.0.0.1:8787'); // true
 * isLoopbackUrl('https://auth.example.com'); // false
 */
export function isLoopbackUrl(url: string): boolean {
  const host = URL.canParse(url) ? new URL(url).hostname : '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

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
