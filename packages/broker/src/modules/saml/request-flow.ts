import { createHash } from 'node:crypto';

/** The flow kind of an AuthnRequest sent, found again by the hash of its ID when the response names it. */
export const SAML_REQUEST = 'saml-request';
/** The flow kind of a validated response waiting for its browser at the finish URL (bound to the request's browser). */
export const SAML_ASSERTION = 'saml-assertion';
/** The binding of a flow no browser started (an IdP-initiated response, a connection test's request). */
export const UNBOUND = '';
/** How long an AuthnRequest can be answered. */
export const REQUEST_TTL_MS = 10 * 60_000;

/** A SAML ID as flows keep it: hashed, found again when a response names it. */
export const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');

/** What an AuthnRequest's flow holds: the connection, and where its browser goes back (or, for a connection test, the test). */
export interface SamlRequestData {
  connection: string;
  org: string;
  resume_url: string;
  return_to: string | null;
  /** A connection test's id: the response is reported, nobody is signed in. */
  test?: string;
}
