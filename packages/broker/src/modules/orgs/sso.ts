import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { findDomainSso, type DomainSso } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Requirement } from '../sign-in/complete.js';
import { emailDomain } from './domains.js';

/**
 * Home-realm discovery: the organization whose verified domain `email` is at, with
 * its connection to start (if it has one enabled) and whether it requires SSO.
 * Looked up by the domain alone, which is public by design, and never by the
 * account: a known and an unknown address of one domain get the same answer.
 *
 * @example
 * const sso = await ssoOf(deps.storage, 'ana@acme.test'); // { org: Acme, connection, ssoRequired }
 */
export async function ssoOf(db: Db, email: string): Promise<DomainSso | undefined> {
  const domain = emailDomain(email);
  return domain === undefined ? undefined : findDomainSso(db, domain);
}

/**
 * Refuses, before anything is checked, mailed or written, a first factor other than
 * SSO for an address whose domain requires its organization's SSO: 403 `sso_required`.
 * The domain alone decides, so the answer is the same with or without an account.
 *
 * @example
 * await refuseWhereSsoRequired(deps, body.email); // at the start of a password sign-in
 */
export async function refuseWhereSsoRequired(deps: Pick<Deps, 'storage'>, email: string): Promise<void> {
  if ((await ssoOf(deps.storage, email))?.ssoRequired) throw new ProblemError('sso_required');
}

/**
 * The engine's "SSO required" requirement, the backstop behind the early refusals:
 * a sign-in whose account's address is at a domain that requires SSO finishes only
 * when its first factor came through a connection of that domain's own organization.
 * Anything else (a password, a code, a passkey, a social provider, another
 * organization's connection, a flow started before the domain required SSO) is
 * refused with 403 `sso_required`, and the caller's transaction writes nothing.
 */
export const ssoRequired: Requirement = async (tx, _deps, user, pending) => {
  const sso = await ssoOf(tx, user.email);
  if (!sso?.ssoRequired) return undefined;
  const [first] = pending.data.factors;
  if ((first?.method === 'oidc' || first?.method === 'saml') && first.connection !== undefined && first.org === sso.org.id) return undefined;
  throw new ProblemError('sso_required');
};
