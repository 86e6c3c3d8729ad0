import type { DoneStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { isUniqueViolation } from '../../storage/storage.js';
import type { LiveSession, SessionUser } from '../../storage/queries/index.js';
import { announceNewWayIn } from '../email/new-way-in.js';
import { toWireSession, toWireUser } from '../sessions/sessions.js';
import type { Browser } from '../sign-in/browser.js';
import { completeFirstFactor, type StepOutcome } from '../sign-in/complete.js';
import type { Factor } from '../sign-in/factors.js';
import { idpAssertsMfa, type IdpAuthn, type IdpMfaTrust } from '../orgs/idp-mfa.js';
import { provisionMembership } from './enterprise.js';
import { storeResult } from './flows.js';
import { resolveIdentity } from './identity.js';
import { IdpFailure, type ExternalIdentity } from './protocol.js';

/**
 * Whatever an identity arrives through, as identities, memberships and the
 * engine see it: a social provider, or an organization's OIDC or SAML
 * connection. (`ProviderConfig` is one, with its OAuth details besides.)
 */
export interface IdentitySource {
  /** A social provider's id, or a connection with its organization. */
  source: { provider: string } | { connection: string; org: string };
  /** The provider's or the organization's name, as the user sees it. */
  name: string;
  /** The factor a sign-in through it records: `oauth`, `oidc` (an ID token) or `saml`. */
  method: 'oauth' | 'oidc' | 'saml';
  /** Attach a first sign-in to an existing account with the same verified email. */
  linkByEmail: boolean;
  /**
   * An organization's connection: its organization and the role of a JIT membership.
   * `followIdp`: the role comes from the IdP's groups and is set at every sign-in.
   */
  membership?: { org: string; role: string; followIdp?: boolean };
  /** An organization's connection that trusts its IdP's MFA (off unless set; see orgs/idp-mfa.ts). */
  idpMfa?: IdpMfaTrust;
}

/** The session factor of a sign-in through `source` at `at`; `idp_mfa` where the IdP asserted MFA its connection trusts. */
export function factorOf(from: IdentitySource, at: string, authn?: IdpAuthn): Factor {
  const source = from.source;
  if ('connection' in source) {
    const factor: Factor = { method: from.method, at, connection: source.connection, org: source.org };
    return idpAssertsMfa(from.idpMfa, authn) ? { ...factor, idp_mfa: true } : factor;
  }
  return { method: from.method, at, provider: source.provider };
}

/** What a trip wants of the identity it brings back, and where its result goes. */
export interface FederatedTrip {
  purpose: 'sign-in' | 'link';
  /** The account that asked to connect (`link`). */
  userId: string | null;
  returnTo: string | null;
}

/**
 * The one place an identity brought back from an IdP (OAuth/OIDC callback, SAML
 * ACS) becomes a sign-in: in one transaction, the account and identity
 * (`resolveIdentity`), the organization's membership (JIT), the engine's
 * outcome (`done`, or a requirement's step) and the result the page asks for
 * with `GET /v1/sign-in/flow`. A refusal of the identity is an `IdpFailure`
 * for the caller to store as an `idp-error`; a refusal of the engine's
 * (`sso_required`) is stored as that problem. Answers the session to set, if any.
 */
export async function completeFederated(
  deps: Deps,
  browser: Browser,
  from: IdentitySource,
  external: ExternalIdentity,
  trip: FederatedTrip,
  linkingSession: () => Promise<{ session: LiveSession; user: SessionUser } | undefined>,
): Promise<{ session?: StepOutcome['session'] }> {
  const linking = trip.purpose === 'link' ? await linkingSession() : undefined;
  if (trip.purpose === 'link' && (!linking || linking.user.id !== trip.userId)) throw new IdpFailure('idp_error', 'the account that asked to connect is no longer signed in here');

  for (let attempt = 0; ; attempt++) {
    try {
      const result = await deps.storage.transaction(async (tx) => {
        const resolved = await resolveIdentity(tx, deps, from, external, linking ? linking.user.id : null);
        if (!linking) await provisionMembership(tx, deps, from, resolved.user.id);
        const outcome: StepOutcome = linking
          ? { step: connectedStep(linking, trip.returnTo) }
          : await completeFirstFactor(tx, deps, browser, resolved.user, factorOf(from, deps.clock().toISOString(), external.authn), trip.returnTo);
        await storeResult(tx, deps, browser, resolved.user.id, { step: outcome.step });
        return { resolved, outcome };
      });
      if (result.resolved.connected) announceNewWayIn(deps, browser, result.resolved.user.email, { kind: 'identity', provider: from.name });
      return result.outcome.session ? { session: result.outcome.session } : {};
    } catch (error) {
      // A policy of the engine refused the sign-in (its transaction wrote nothing): the page hears why.
      if (error instanceof ProblemError && (error.code === 'sso_required' || error.code === 'account_suspended')) {
        await storeResult(deps.storage, deps, browser, null, { problem: error.code });
        return {};
      }
      // Two trips of one new identity at once: the second finds the first's rows on its retry.
      if (isUniqueViolation(error) && attempt === 0) continue;
      throw error;
    }
  }
}

/** Connecting an account leaves the signed-in session as it is: the answer is `done` with it. */
const connectedStep = (linking: { session: LiveSession; user: SessionUser }, returnTo: string | null): DoneStep => ({
  step: 'done',
  user: toWireUser(linking.user),
  session: toWireSession(linking.session),
  return_to: returnTo,
});
