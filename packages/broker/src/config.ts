import { z } from 'zod';
import type { Storage } from './storage/storage.js';
import type { Mailer } from './modules/email/mailer.js';
import type { Requirement } from './modules/sign-in/complete.js';
import type { Logger } from './ops/logger.js';

const origin = z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin);
const window = z.object({
  limit: z.int().positive(),
  windowSeconds: z.int().positive(),
  /** After `free` hits, each further hit waits baseSeconds·2^(hits−free), at most maxSeconds. */
  backoff: z.object({ free: z.int().nonnegative(), baseSeconds: z.number().positive(), maxSeconds: z.number().positive() }).optional(),
});

const endpoint = z.url({ protocol: /^https?$/ });

/**
 * One social sign-in provider, in button order (see the README, "Social sign-in").
 * `preset` fills in the endpoints, scopes and how the account's email is read;
 * endpoint fields override it (a GitHub-style server elsewhere is preset `github`
 * with its own endpoints). Client secrets given here live in memory only.
 */
export const socialProviderSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _, at most 32'),
    preset: z.enum(['github', 'google', 'microsoft', 'apple', 'oauth2', 'oidc']),
    name: z.string().trim().min(1).max(64).optional(),
    client_id: z.string().min(1).max(512),
    client_secret: z.string().min(1).max(4096).optional(),
    /** Apple: the client secret is an ES256 JWT the broker signs with this key (Team ID, Key ID, the .p8 PEM). */
    team_id: z.string().min(1).max(64).optional(),
    key_id: z.string().min(1).max(64).optional(),
    private_key: z.string().min(1).max(8192).optional(),
    /** `oidc`: the issuer to discover; `microsoft`: the tenant (id, domain, `common`, `organizations` or `consumers`; default `common`). */
    issuer: endpoint.optional(),
    tenant: z.string().regex(/^[\w.-]{1,128}$/).optional(),
    authorization_endpoint: endpoint.optional(),
    token_endpoint: endpoint.optional(),
    userinfo_endpoint: endpoint.optional(),
    emails_endpoint: endpoint.optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).max(32).optional(),
    /** Attach a first sign-in to an existing account with the same verified email. Off by default. */
    link_by_email: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    const need = (field: keyof typeof p, why: string) => {
      if (p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required ${why}` });
    };
    if (p.preset === 'oidc') need('issuer', 'for preset oidc (discovery runs from it)');
    if (p.preset === 'oauth2') {
      need('authorization_endpoint', 'for preset oauth2');
      need('token_endpoint', 'for preset oauth2');
      need('userinfo_endpoint', 'for preset oauth2');
    }
    if (p.preset === 'apple') {
      if (p.client_secret === undefined) for (const f of ['team_id', 'key_id', 'private_key'] as const) need(f, 'for preset apple (or a client_secret you sign yourself)');
    } else need('client_secret', `for preset ${p.preset}`);
  });

export type SocialProviderConfig = z.output<typeof socialProviderSchema>;

const brokerConfigSchemaBase = z.object({
  /** The broker's own public URL: the token issuer and the origin its cookie belongs to. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** Origins of host pages allowed to call the broker with credentials (CORS, CSRF and return_to). */
  allowedOrigins: z.array(origin).default([]),
  /**
   * Dev mode: mail goes to the public /dev/outbox route and a secret is generated. Only when
   * asked for, and only on a loopback `publicUrl` (see `isLocalhostUrl`): never in production.
   */
  dev: z.boolean().default(false),
  /** Secret for code hashing; at least 32 characters. In dev mode a generated one is kept in the database. */
  secret: z.string().min(32).optional(),
  /**
   * The bearer token of the admin API (`/admin/v1/*`, server to server); at least 32
   * characters. Unset: every admin route answers 403 `admin_disabled`.
   */
  adminToken: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  /**
   * `GET /metrics` (Prometheus): with `token` (LATCHKEY_METRICS_TOKEN), readable by whoever
   * presents it as a bearer token; without, only from this machine (a loopback address,
   * no proxy in between). Never public.
   */
  metrics: z.object({ token: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -base64 32`)').optional() }).prefault({}),
  /**
   * How many proxies of yours stand in front of the broker, each appending the address it
   * saw to X-Forwarded-For. The client address is the entry this many from the right;
   * 0 (the default) ignores the header and takes the socket's address.
   */
  trustedProxies: z.int().min(0).max(16).default(0),
  session: z
    .object({
      /** The absolute lifetime of a session: it ends this long after sign-in, used or not. 30 days by default. */
      maxAgeSeconds: z.int().positive().default(30 * 24 * 3600),
      /**
       * The inactivity timeout: a session not used (no token refresh, no session
       * read) for this long ends, as an expired one does. 0 (the default) turns
       * it off, as Clerk's is off until set; Auth0 and WorkOS offer one of a few
       * days. At least 15 minutes, since use is recorded at most every 5 minutes.
       */
      idleTimeoutSeconds: z
        .int()
        .min(0)
        .default(0)
        .refine((seconds) => seconds === 0 || seconds >= 900, 'at least 900 seconds (15 minutes), or 0 for none'),
    })
    .prefault({}),
  /**
   * Step-up: how recent an authentication a sensitive change needs (password, email, passkeys,
   * second factors, recovery codes, connected accounts). 10 minutes by default, as Clerk's and
   * GitHub's "sudo mode" windows are; at most a day.
   */
  stepUp: z.object({ maxAgeSeconds: z.int().min(60).max(86_400).default(600) }).prefault({}),
  /**
   * The device cookie a browser gets for an account it signed in to (see `rateLimits.*PerDevice`).
   * Browsers keep a cookie at most 400 days (RFC 6265bis §5.6.1), and the broker honours an entry no longer.
   */
  deviceCookie: z.object({ maxAgeSeconds: z.int().positive().max(400 * 86_400).default(365 * 86_400) }).prefault({}),
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
      methods: z
        .array(z.enum(['password', 'email-code', 'passkey']))
        .min(1)
        .refine((m) => new Set(m).size === m.length, 'list each method once')
        .default(['password', 'email-code']),
    })
    .prefault({}),
  /**
   * Passkeys (WebAuthn), on when `signIn.methods` lists `passkey`, or, as a second factor
   * and on the account page only, when `rpId` is set without it. A passkey belongs to
   * `rpId`, the registrable domain of the host pages (not the broker's): changing it
   * later strands every passkey made under the old one.
   */
  passkeys: z
    .object({
      /** Default: the host every origin shares (`app.example.com`); required when they differ. */
      rpId: z.string().trim().toLowerCase().min(1).max(253).optional(),
      /** The name passkey managers show next to the account. Default: the RP ID. */
      rpName: z.string().trim().min(1).max(100).optional(),
      /** Pages a ceremony may run on. Default: `allowedOrigins`, or the broker's own origin when there are none. */
      origins: z.array(origin).min(1).optional(),
      /** `required`: the authenticator must verify the user (PIN, biometrics), so a passkey alone is two factors. */
      userVerification: z.enum(['required', 'preferred']).default('required'),
      attestation: z.enum(['none', 'direct', 'enterprise']).default('none'),
      /** How long the browser's dialog waits, and how long its challenge lives. */
      timeoutMs: z.int().min(30_000).max(600_000).default(300_000),
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
      /**
       * A browser's trusted device for an account (its device cookie) spends these instead of the
       * three per-account budgets above, which strangers can spend: so the owner keeps a way in, and a
       * copied device cookie still guesses no more than this.
       */
      passwordPerDevice: window.default({ limit: 10, windowSeconds: 900, backoff: { free: 3, baseSeconds: 1, maxSeconds: 60 } }),
      codeFailuresPerDevice: window.default({ limit: 10, windowSeconds: 86_400 }),
      mailPerDevice: window.default({ limit: 5, windowSeconds: 900 }),
    })
    .prefault({}),
  /** Social sign-in providers, in button order (LATCHKEY_SOCIAL for latchkey-broker: a JSON array of these). */
  social: z
    .array(socialProviderSchema)
    .max(20)
    .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'give each provider its own id')
    .default([]),
  /** Calls to identity providers (discovery, token, userinfo, JWKS): each bounded in time and size. */
  outbound: z
    .object({
      timeoutMs: z.int().min(100).max(60_000).default(5_000),
      maxResponseBytes: z.int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
    })
    .prefault({}),
  /** Organizations managed by their members (modules/orgs; issue 24). */
  orgs: z
    .object({
      /** The host's own permissions, besides the broker's (`ORG_PERMISSIONS`): `resource:action`, lower case. */
      permissions: z
        .array(z.string().regex(/^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/, 'a permission is `resource:action`, lower case'))
        .max(200)
        .refine((list) => new Set(list).size === list.length, 'list each permission once')
        .default([]),
      /** A signed-in user may work without an organization (a personal account). */
      allowPersonal: z.boolean().default(true),
      /** Signed-in users may create organizations (they become its owner). */
      allowCreate: z.boolean().default(true),
      /** How long an emailed invitation stays valid. */
      invitationTtlSeconds: z.int().min(3600).max(30 * 86_400).default(7 * 86_400),
      /** The host page that takes invitations and invite links (`lk-sign-up`): mailed and shared links point there. Default: the first allowed origin's `/sign-up`. */
      joinUrl: z.url({ protocol: /^https?$/ }).optional(),
    })
    .prefault({}),
  /** Audit events (modules/audit): how long they are kept. */
  audit: z.object({ retentionDays: z.int().min(1).max(3650).default(365) }).prefault({}),
  mail: z.object({ from: z.string().min(3).default('Latchkey <no-reply@localhost>') }).prefault({}),
  passwords: z
    .object({
      /**
       * Words that name this service, refused in new passwords as the user's own address
       * and name are (NIST SP 800-63B §5.1.1.2, context-specific words): your product's
       * name, brand and domain. Compared case-insensitively after NFKC.
       */
      contextWords: z
        .array(
          z
            .string()
            .trim()
            .transform((word) => word.normalize('NFKC').toLowerCase())
            // Shorter words would be found inside too many good passwords.
            .pipe(z.string().min(3, 'a context word needs at least 3 characters').max(64)),
        )
        .max(100)
        .default(['latchkey']),
    })
    .prefault({}),
});

/** The broker's settings. Parsed once at start-up; a bad field stops the broker and is named. */
export const brokerConfigSchema = brokerConfigSchemaBase
  // Dev mode publishes every mailed code at /dev/outbox: refused unless only this machine can reach it.
  .refine((config) => !config.dev || isLocalhostUrl(config.publicUrl), {
    path: ['dev'],
    message: 'dev mode is only for a loopback publicUrl (localhost, a name under localhost, 127.0.0.0/8 or [::1]); unset it (LATCHKEY_DEV) in production',
  })
  .superRefine((config, ctx) => {
    for (const issue of passkeyIssues(config)) ctx.addIssue({ code: 'custom', path: ['passkeys', issue.field], message: issue.message });
  })
  // Token audiences default to the host pages (or the broker itself): resolved here so every reader sees a list.
  .transform(({ token, passkeys, ...config }) => ({
    ...config,
    token: { ...token, audiences: token.audiences ?? (config.allowedOrigins.length > 0 ? config.allowedOrigins : [config.publicUrl]) },
    passkeys: resolvePasskeys({ ...config, passkeys }),
  }));

type PasskeyInput = Pick<z.output<typeof brokerConfigSchemaBase>, 'publicUrl' | 'allowedOrigins' | 'signIn' | 'passkeys'>;

/** Passkey settings as the modules read them: every default resolved. Null when passkeys are off. */
export interface PasskeyConfig {
  rpId: string;
  rpName: string;
  origins: string[];
  userVerification: 'required' | 'preferred';
  attestation: 'none' | 'direct' | 'enterprise';
  timeoutMs: number;
}

const passkeyOrigins = (config: PasskeyInput) =>
  config.passkeys.origins ?? (config.allowedOrigins.length > 0 ? config.allowedOrigins : [new URL(config.publicUrl).origin]);

/** The configured RP ID, or the one host every origin shares. */
function passkeyRpId(config: PasskeyInput): string | undefined {
  const hosts = new Set(passkeyOrigins(config).map((o) => new URL(o).hostname));
  return config.passkeys.rpId ?? (hosts.size === 1 ? [...hosts][0] : undefined);
}

/**
 * Multi-label public suffixes a site is commonly hosted under. A browser refuses an RP ID
 * that is a public suffix; this short list and the one-label rule catch the usual mistakes
 * without shipping the whole Public Suffix List.
 */
const PUBLIC_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.jp', 'ne.jp', 'co.nz', 'co.za', 'com.br', 'com.cn', 'com.mx', 'co.in', 'co.kr',
  'github.io', 'gitlab.io', 'herokuapp.com', 'vercel.app', 'netlify.app', 'pages.dev', 'workers.dev', 'web.app', 'firebaseapp.com', 'appspot.com',
  'azurewebsites.net', 'cloudfront.net', 'onrender.com', 'fly.dev', 'amazonaws.com', 'blogspot.com', 'ngrok.io', 'ngrok-free.app',
]);

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Why passkey settings cannot work, if they cannot (WebAuthn §5.1.4.1 and the HTML
 * "registrable domain suffix" rule): the RP ID must be a domain, not a public suffix
 * (one label other than `localhost`, or a known multi-label suffix), not an IP address,
 * and equal to or a parent of the host of every origin a ceremony may run on.
 * Checked when passkeys are on or an RP ID is given, so a typo never waits for the first user.
 */
function passkeyIssues(config: PasskeyInput): Array<{ field: 'rpId' | 'origins'; message: string }> {
  if (!config.signIn.methods.includes('passkey') && config.passkeys.rpId === undefined) return [];
  const origins = passkeyOrigins(config);
  const rpId = passkeyRpId(config);
  if (rpId === undefined) {
    return [{ field: 'rpId', message: `required: the passkey origins (${origins.join(', ')}) have different hosts; set the registrable domain they share, e.g. example.com` }];
  }
  if (/^\d+(\.\d+){3}$/.test(rpId) || rpId.startsWith('[')) return [{ field: 'rpId', message: `${rpId} is an IP address; browsers take only a domain name as RP ID` }];
  if (!HOSTNAME.test(rpId)) return [{ field: 'rpId', message: `${JSON.stringify(rpId)} is not a domain name (write the punycode form of an international one)` }];
  if ((!rpId.includes('.') && rpId !== 'localhost') || PUBLIC_SUFFIXES.has(rpId)) {
    return [{ field: 'rpId', message: `${rpId} is a public suffix; use your own domain under it (e.g. example.${rpId})` }];
  }
  return origins
    .filter((o) => {
      const host = new URL(o).hostname;
      return host !== rpId && !host.endsWith(`.${rpId}`);
    })
    .map((o) => ({ field: 'origins' as const, message: `${o} is not on ${rpId} or a subdomain of it, so no passkey for ${rpId} works there` }));
}

/**
 * Passkeys are on when sign-in offers them, or when an RP ID is configured without
 * that: then the account page adds passkeys and they answer the MFA step as a second
 * factor, while sign-in (identify, autofill, passkey-first sign-up) leaves them out
 * (see `passkeySignInOffered`).
 */
function resolvePasskeys(config: PasskeyInput): PasskeyConfig | null {
  if (!config.signIn.methods.includes('passkey') && config.passkeys.rpId === undefined) return null;
  const rpId = passkeyRpId(config)!;
  const { userVerification, attestation, timeoutMs } = config.passkeys;
  return { rpId, rpName: config.passkeys.rpName ?? rpId, origins: passkeyOrigins(config), userVerification, attestation, timeoutMs };
}

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

/**
 * A loopback URL, or one on a name under `localhost` (RFC 6761 §6.3), which browsers send
 * to this machine by themselves: `auth.latchkey.localhost` and `app.latchkey.localhost` are
 * one site, as a production `auth.` and `app.` are (plain `localhost` and `*.localhost` names
 * are each a site of their own). Where the broker may be reached from (dev mode's public URL
 * and listening), not where it may send requests: Node asks DNS for such names, which may
 * answer anything, so outbound checks stay on `isLoopbackUrl`.
 *
 * @example
 * isLocalhostUrl('http://auth.latchkey.localhost:8787'); // true
 * isLocalhostUrl('http://localhost.example.com'); // false
 */
export function isLocalhostUrl(url: string): boolean {
  return isLoopbackUrl(url) || (URL.canParse(url) && new URL(url).hostname.endsWith('.localhost'));
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
  /** The fetch every call to an identity provider goes through (bounded by `outbound`). Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /**
   * Looks up a name's DNS TXT records (each record's strings, as node's
   * `dns.promises.resolveTxt` answers), for an organization verifying its domain.
   * Bounded by `outbound.timeoutMs`. Default: node's resolver. Tests inject one.
   */
  resolveTxt?: (name: string) => Promise<string[][]>;
  /**
   * Requirements asked after those of the broker's own modules, in order: a
   * host's own gate before a session opens (or a test's). Each runs in the
   * caller's transaction (see `Requirement`).
   */
  requirements?: readonly Requirement[];
  /**
   * Where each answered request is logged, one entry per request (see ops/observe.ts:
   * request id, method, route pattern, status, duration; never a cookie, token, query
   * string or body). Default: none (`latchkey-broker` passes one, see LATCHKEY_LOG).
   */
  logger?: Logger;
}
