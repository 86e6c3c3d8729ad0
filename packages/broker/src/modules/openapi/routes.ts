import { Hono } from 'hono';
import type { BrokerConfig } from '../../config.js';
import { openApiDocument } from './document.js';

/**
 * `GET /openapi.json`: the document, built and serialized once when the broker is made
 * (it depends only on the configuration), then answered from memory. Public: it
 * describes a public API; it says which operations need the admin token.
 *
 * @example
 * app.route('/', openApiRoutes(config));
 */
export function openApiRoutes(config: BrokerConfig) {
  const body = JSON.stringify(openApiDocument(config));
  return new Hono().get('/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.body(body, 200, { 'content-type': 'application/json' });
  });
}
