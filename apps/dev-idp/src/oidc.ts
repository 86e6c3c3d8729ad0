// The OpenID Provider: oidc-provider mounted under /oidc, with our own sign-in page instead of
// its devInteractions, and no consent screen (our clients are first-party for a dev IdP).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata, type Configuration, type JWK } from 'oidc-provider';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } from './config.js';
import { messagePage, signInPage, type Brand } from './page.js';
import { readSignInForm, findUserBySub } from './users.js';

export const OIDC_MOUNT = '/oidc';
const brand: Brand = { name: 'Dev IdP', theme: 'oidc' };

export interface OidcOptions {
  issuer: string;
  redirectUris: string[];
  extraClients: Record<string, unknown>[];
}

/**
 * Signing keys live in memory only: one RS256 (the default, what every RP supports) and one
 * ES256, generated side by side (an RSA key takes a while, on a thread of its own).
 */
async function generateSigningKeys(): Promise<JWK[]> {
  return Promise.all(
    (['RS256', 'ES256'] as const).map(async (alg) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(privateKey);
      return { ...jwk, alg, use: 'sig', kid: `dev-${alg.toLowerCase()}-${randomBytes(4).toString('hex')}` } as JWK;
    }),
  );
}

export async function createOidcProvider({ issuer, redirectUris, extraClients }: OidcOptions): Promise<Provider> {
  const acme: ClientMetadata = {
    client_id: OIDC_CLIENT_ID,
    client_secret: OIDC_CLIENT_SECRET,
    client_name: 'Latchkey',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const configuration: Configuration = {
    clients: [acme, ...(extraClients as ClientMetadata[])],
    jwks: { keys: await generateSigningKeys() },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    responseTypes: ['code'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // Enterprise IdPs (Okta, Entra ID) put the requested claims in the ID token too; so do we.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), so oidc-provider does not warn about its defaults.
    ttl: { AuthorizationCode: 600, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 14 * 24 * 3600, Grant: 14 * 24 * 3600 },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
    // No consent screen: grant what the client asked for, once the user has signed in.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      const grant = (grantId && (await oidc.provider.Grant.find(grantId))) || new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope(String(oidc.params?.scope ?? 'openid'));
      const requestedClaims = oidc.claims as { id_token?: Record<string, unknown>; userinfo?: Record<string, unknown> };
      grant.addOIDCClaims([...Object.keys(requestedClaims.id_token ?? {}), ...Object.keys(requestedClaims.userinfo ?? {})]);
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub) {
      const user = findUserBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: async () => ({ sub: user.sub, email: user.email, email_verified: true, name: user.name, groups: user.groups }),
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = messagePage(brand, 'Sign-in request refused', `${out.error}: ${out.error_description ?? 'the request is not valid'}`);
    },
  };
  // A secret client may send its secret in the Basic header or in the body: oidc-provider accepts both.
  return new Provider(issuer, configuration);
}

/** Hands a request under /oidc to oidc-provider, which reads its mount path from `originalUrl`. */
export function oidcRequestHandler(provider: Provider) {
  const callback = provider.callback();
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    req.originalUrl = req.url;
    req.url = req.url!.slice(OIDC_MOUNT.length) || '/';
    return callback(req, res);
  };
}

type Env = { Bindings: HttpBindings };
type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Adds what the consent prompt says is missing to the interaction's grant (or a new one). */
async function grantMissing(provider: Provider, details: Interaction): Promise<string> {
  const { accountId } = details.session ?? {};
  const clientId = String(details.params.client_id);
  const grant = (details.grantId && (await provider.Grant.find(details.grantId))) || new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return grant.save();
}

/** Our interaction pages: sign in (login prompt) or cancel; consent never shows (see loadExistingGrant). */
export function oidcInteractionRoutes(provider: Provider) {
  const app = new Hono<Env>();

  /** The interaction bound to this browser's cookie, and only if it is the one in the path. */
  async function interactionFor(c: Context<Env>) {
    try {
      const details = await provider.interactionDetails(c.env.incoming, c.env.outgoing);
      return details.uid === c.req.param('uid') ? details : undefined;
    } catch {
      return undefined;
    }
  }
  const expired = (c: Context<Env>) =>
    c.html(messagePage(brand, 'This sign-in has expired', 'Go back to the application and start again.'), 400);

  const pageFor = async (uid: string, clientId: string, extra: { email?: string; error?: string } = {}) => {
    const client = await provider.Client.find(clientId);
    const base = `${OIDC_MOUNT}/interaction/${uid}`;
    return signInPage({ brand, clientName: client?.clientName ?? clientId, action: `${base}/login`, cancelAction: `${base}/cancel`, ...extra });
  };

  app.get('/:uid', async (c) => {
    const details = await interactionFor(c);
    if (!details) return expired(c);
    // Consent is given on the user's behalf (loadExistingGrant does it too; this covers what it missed).
    if (details.prompt.name === 'consent') {
      const grantId = await grantMissing(provider, details);
      return c.redirect(await provider.interactionResult(c.env.incoming, c.env.outgoing, { consent: { grantId } }), 303);
    }
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined;
    return c.html(await pageFor(details.uid, String(details.params.client_id), { email: hint }));
  });

  app.post('/:uid/login', async (c) => {
    const details = await interactionFor(c);
    if (!details) return expired(c);
    const { email, user } = await readSignInForm(c);
    if (!user) {
      return c.html(await pageFor(details.uid, String(details.params.client_id), { email, error: 'Wrong email or password.' }), 401);
    }
    const returnTo = await provider.interactionResult(c.env.incoming, c.env.outgoing, { login: { accountId: user.sub, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    return c.redirect(returnTo, 303);
  });

  app.post('/:uid/cancel', async (c) => {
    const details = await interactionFor(c);
    if (!details) return expired(c);
    const returnTo = await provider.interactionResult(c.env.incoming, c.env.outgoing, { error: 'access_denied', error_description: 'The user cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    return c.redirect(returnTo, 303);
  });

  return app;
}
