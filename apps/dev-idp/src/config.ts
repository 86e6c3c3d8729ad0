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
