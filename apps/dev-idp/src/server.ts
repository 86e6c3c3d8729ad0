// One HTTP server for every dev provider: /oidc goes to oidc-provider (a Koa app), everything else
// (our interaction pages, DevHub, the SAML IdP, the stylesheet) to Hono.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { DEFAULT_BROKER_URL, DEFAULT_PORT, redirectUrisFor } from './config.js';
import { DEVHUB_MOUNT, devHubRoutes } from './devhub.js';
import { createOidcProvider, OIDC_MOUNT, oidcInteractionRoutes, oidcRequestHandler } from './oidc.js';
import { messagePage, PAGE_CSP, STYLESHEET, STYLESHEET_PATH } from './page.js';
import { SAML_MOUNT, samlIdpInfo, samlRoutes, type SamlIdpInfo, type SamlResponseOptions } from './saml.js';

export interface DevIdpOptions {
  /** 0 picks a free port (tests). Default 8788. */
  port?: number;
  /** Listen address; the issuer uses it too. Default 127.0.0.1: another site than the broker on localhost. */
  host?: string;
  /**
   * The broker whose `/v1/oauth/callback` the OAuth providers allow, and whose SAML connections
   * (`${brokerUrl}/v1/saml/<id>/metadata`) the SAML IdP answers. Default http://localhost:8787.
   */
  brokerUrl?: string;
  /** Replaces the allowed redirect URIs (both providers). */
  redirectUris?: string[];
  /** Extra OIDC clients (oidc-provider metadata), e.g. a `private_key_jwt` client with `jwks`. */
  oidcClients?: Record<string, unknown>[];
  /** How SAML Responses are made: by default the assertion and the Response are signed, nothing encrypted. */
  saml?: SamlResponseOptions;
  /** How the SAML IdP reads an SP's metadata (signing and encryption certificates) from its entity ID; `fetch` by default. */
  spMetadata?: (entityId: string) => Promise<string>;
}

export interface DevIdp {
  /** Base URL, e.g. http://127.0.0.1:8788 */
  url: string;
  /** The OIDC issuer, `${url}/oidc`. */
  issuer: string;
  /** DevHub's base, `${url}/devhub`. */
  devhub: string;
  /** The SAML IdP: entity ID (= metadata URL), SSO URL, IdP-initiated launch URL, certificate. */
  saml: SamlIdpInfo;
  close(): Promise<void>;
}

export async function startDevIdp(options: DevIdpOptions = {}): Promise<DevIdp> {
  const host = options.host ?? '127.0.0.1';
  const brokerUrl = options.brokerUrl ?? DEFAULT_BROKER_URL;
  const redirectUris = options.redirectUris ?? redirectUrisFor(brokerUrl);

  // The issuer carries the real port, known only once the socket listens (port 0 in tests).
  // A request that arrives before the providers exist waits for them: without a listener
  // it would hang unanswered (a readiness probe at start-up did, forever).
  let route: (req: IncomingMessage, res: ServerResponse) => void;
  let failed = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const server: Server = createServer((req, res) => {
    void ready.then(() => {
      if (!failed) return route(req, res);
      res.statusCode = 503;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const issuer = `${url}${OIDC_MOUNT}`;

  try {
    const provider = await createOidcProvider({ issuer, redirectUris, extraClients: options.oidcClients ?? [] });
    const app = new Hono();
    app.use('*', async (c, next) => {
      await next();
      if (c.res.headers.get('content-type')?.startsWith('text/html')) {
        // A page that needs more than PAGE_CSP (the SAML auto-post page: one script, by its hash) sets its own.
        if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', PAGE_CSP);
        c.res.headers.set('Cache-Control', 'no-store');
        c.res.headers.set('X-Content-Type-Options', 'nosniff');
      }
    });
    app.get(STYLESHEET_PATH, (c) => c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
    app.get('/', (c) => c.redirect(`${OIDC_MOUNT}/.well-known/openid-configuration`));
    app.route(`${OIDC_MOUNT}/interaction`, oidcInteractionRoutes(provider));
    app.route(DEVHUB_MOUNT, devHubRoutes({ baseUrl: url, redirectUris }));
    app.route(SAML_MOUNT, samlRoutes({ baseUrl: url, brokerUrl, responses: options.saml, spMetadata: options.spMetadata }));
    app.onError((error, c) => {
      console.error(`dev-idp: ${c.req.method} ${c.req.path}: ${error.stack ?? error}`);
      return c.html(messagePage({ name: 'Dev IdP', theme: 'oidc' }, 'Something went wrong', 'The dev IdP could not finish this request. Go back to the application and start again.'), 500);
    });
    app.notFound((c) => c.html(messagePage({ name: 'Dev IdP', theme: 'oidc' }, 'Not found', 'Nothing lives at this address.'), 404));

    const toHono = getRequestListener(app.fetch);
    const toOidc = oidcRequestHandler(provider);
    route = (req, res) => {
      const path = req.url ?? '/';
      const isOidc = path === OIDC_MOUNT || path.startsWith(`${OIDC_MOUNT}/`) || path.startsWith(`${OIDC_MOUNT}?`);
      if (isOidc && !path.startsWith(`${OIDC_MOUNT}/interaction/`)) void toOidc(req, res);
      else void toHono(req, res);
    };
    markReady();
  } catch (error) {
    failed = true;
    markReady();
    server.close();
    throw error;
  }

  return {
    url,
    issuer,
    devhub: `${url}${DEVHUB_MOUNT}`,
    saml: samlIdpInfo(url),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
