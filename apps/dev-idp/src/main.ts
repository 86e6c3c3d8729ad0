// `pnpm --filter @latchkey/dev-idp start`: the dev identity providers on http://127.0.0.1:8788.
import { DEFAULT_BROKER_URL, DEFAULT_PORT, parseExtraClients, redirectUrisFor } from './config.js';
import { startDevIdp } from './server.js';

const log = (line: string) => console.log(`dev-idp: ${line}`);

async function main() {
  const brokerUrl = process.env.BROKER_URL ?? DEFAULT_BROKER_URL;
  const redirectUris = redirectUrisFor(brokerUrl, process.env.DEV_IDP_REDIRECT_URIS);
  const idp = await startDevIdp({
    port: process.env.DEV_IDP_PORT ? Number(process.env.DEV_IDP_PORT) : DEFAULT_PORT,
    brokerUrl,
    redirectUris,
    oidcClients: parseExtraClients(process.env.DEV_IDP_OIDC_CLIENTS),
    // As Shibboleth does: an SP whose metadata offers an encryption certificate gets encrypted assertions.
    saml: { encryptAssertions: true },
  });
  log(`OIDC issuer   ${idp.issuer}   (discovery: ${idp.issuer}/.well-known/openid-configuration)`);
  log(`DevHub        ${idp.devhub}/login/oauth/authorize`);
  log(`SAML IdP      ${idp.saml.metadataUrl}   (answers the SPs ${brokerUrl}/v1/saml/<id>/metadata)`);
  log(`redirect URIs ${redirectUris.join(', ')}`);
  const stop = () => void idp.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`dev-idp: cannot start: ${error.message}`);
  process.exit(1);
});
