// Which clients the dev IdP knows, from the shared decisions of issue 21 and the environment.

export const OIDC_CLIENT_ID = 'latchkey-acme';
export const OIDC_CLIENT_SECRET = 'acme-dev-secret-0123456789abcdef';
export const DEVHUB_CLIENT_ID = 'latchkey-devhub';
export const DEVHUB_CLIENT_SECRET = 'devhub-dev-secret-0123456789abcdef';

export const DEFAULT_PORT = 8788;
export const DEFAULT_BROKER_URL = 'http://localhost:8787';

/** Every provider and connection of a broker shares one callback (issue 21 decisions). */
export function redirectUrisFor(brokerUrl: string, override?: string): string[] {
  if (override?.trim()) return override.split(',').map((uri) => uri.trim()).filter(Boolean);
  return [`${brokerUrl.replace(/\/+$/, '')}/v1/oauth/callback`];
}

/** Extra OIDC clients (oidc-provider client metadata), e.g. a `private_key_jwt` client with its `jwks`. */
export function parseExtraClients(json: string | undefined): Record<string, unknown>[] {
  if (!json?.trim()) return [];
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((item) => item && typeof item === 'object' && typeof item.client_id === 'string')) {
    throw new Error('DEV_IDP_OIDC_CLIENTS must be a JSON array of client metadata objects, each with a client_id');
  }
  return parsed as Record<string, unknown>[];
}

/** A SAML service provider the dev IdP answers: where its Responses go and for whom. */
export interface SamlServiceProvider {
  entityId: string;
  /** The one ACS URL a Response is ever sent to for this SP. */
  acsUrl: string;
}

/**
 * The broker's SAML SP for connection `<id>`: entity ID `${brokerUrl}/v1/saml/<id>/metadata`,
 * ACS `${brokerUrl}/v1/saml/<id>/acs`. DEV ONLY: the dev IdP trusts every connection of its
 * broker without registration, so the demo can create connections freely; a real IdP registers
 * each SP (entity ID, ACS URL, certificate) before it answers it.
 */
export function brokerSamlServiceProvider(brokerUrl: string, entityId: string): SamlServiceProvider | undefined {
  const prefix = `${brokerUrl.replace(/\/+$/, '')}/v1/saml/`;
  if (!entityId.startsWith(prefix)) return undefined;
  const connection = /^([A-Za-z0-9_-]+)\/metadata$/.exec(entityId.slice(prefix.length))?.[1];
  return connection ? { entityId, acsUrl: `${prefix}${connection}/acs` } : undefined;
}
