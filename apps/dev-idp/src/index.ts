export { startDevIdp, type DevIdp, type DevIdpOptions } from './server.js';
export { DEVHUB_CLIENT_ID, DEVHUB_CLIENT_SECRET, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } from './config.js';
export { DEV_PASSWORD, DEV_USERS, type DevUser } from './users.js';
export { SAML_CERTIFICATE, type SamlIdpInfo, type SamlResponseOptions } from './saml.js';
export { samlSignIn, type SamlPost, type SamlSignInOptions } from './saml-sign-in.js';
