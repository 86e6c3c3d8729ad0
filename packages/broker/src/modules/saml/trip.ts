import type { SsoRedirectStep } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId, randomSecret } from '../../random.js';
import {
  consumeFlowBySecret,
  consumeFlowBySecretForAnyBrowser,
  consumeNewestFlow,
  findConnection,
  insertConnectionRejection,
  insertFlow,
  rememberAssertion,
  type ConnectionRecord,
  type ConsumedFlow,
  type SamlConnectionConfig,
  type LiveSession,
  type SessionUser,
} from '../../storage/queries/index.js';
import { completeFederated, type IdentitySource } from '../oauth/federated.js';
import { idpErrorStep, resumeLocation, storeResult } from '../oauth/flows.js';
import { IdpFailure, type ExternalIdentity } from '../oauth/protocol.js';
import type { Browser } from '../sign-in/browser.js';
import type { StepOutcome } from '../sign-in/complete.js';
import { SamlRejection } from './checks.js';
import { mapSubject } from './config.js';
import { failedReport, passedReport, recordTestReport, type ConnectionTestReport } from './connection-test.js';
import { testReportPage } from './pages.js';
import { hashId, REQUEST_TTL_MS, SAML_ASSERTION, SAML_REQUEST, UNBOUND, type SamlRequestData } from './request-flow.js';
import { spKeyOf } from './sp-key.js';
import { authnRequestUrl, newRequestId, validateResponse, type ValidatedResponse } from './sp.js';

const ASSERTION_TTL_MS = 2 * 60_000;

type SamlConnection = ConnectionRecord & { type: 'saml' };

interface SamlAssertionData extends SamlRequestData {
  external: ExternalIdentity;
  /** The organization role the IdP's groups map to, else the connection's default. */
  role: string;
  /** The connection maps groups to roles: the role follows the IdP at every sign-in. */
  role_follows_idp: boolean;
}

const target = (connection: ConnectionRecord) => ({ kind: 'sso' as const, name: connection.name });

/** A SAML connection by id, enabled or not (a disabled one still serves its metadata and connection tests), or undefined. */
export async function samlConnection(deps: Pick<Deps, 'storage'>, id: string): Promise<SamlConnection | undefined> {
  const connection = await findConnection(deps.storage, id);
  return connection?.type === 'saml' ? (connection as SamlConnection) : undefined;
}

/**
 * SP-initiated sign-in: an AuthnRequest (HTTP-Redirect binding) whose ID is kept,
 * hashed, in a flow bound to this browser; the response must name it in
 * `InResponseTo`. No RelayState: the request's flow holds where to come back.
 */
export async function startSamlTrip(deps: Deps, browser: Browser, connection: SamlConnection, trip: { resumeUrl: string; returnTo: string | null }): Promise<SsoRedirectStep> {
  const requestId = newRequestId();
  const url = await authnRequestUrl(deps.config, connection.id, connection.config, await spKeyOf(deps, connection), requestId);
  const now = deps.clock();
  await insertFlow<SamlRequestData>(deps.storage, {
    id: randomId('flw'),
    kind: SAML_REQUEST,
    bindingHash: browser.bindingHash,
    secretHash: hashId(requestId),
    userId: null,
    data: { connection: connection.id, org: connection.orgId, resume_url: trip.resumeUrl, return_to: trip.returnTo },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + REQUEST_TTL_MS),
  });
  return { step: 'sso-redirect', url, to: target(connection) };
}

/** Records why a connection refused a response, for the organization's admins; answers the reference the user is shown. */
async function recordRejection(deps: Deps, connection: ConnectionRecord, rejection: SamlRejection): Promise<string> {
  const reference = randomId('rej');
  console.warn(`[latchkey] SAML response refused for ${connection.id} (${rejection.reason}, ${reference}): ${rejection.message}`);
  await insertConnectionRejection(deps.storage, { reference, connectionId: connection.id, reason: rejection.reason, detail: rejection.message.slice(0, 2000), createdAt: deps.clock() });
  return reference;
}

/** What the ACS answers: where the browser goes next, or a page to show (a connection test's report). */
export type AcsAnswer = { location: string } | { page: string };

/**
 * `POST /v1/saml/{id}/acs`: the IdP's cross-site form POST, which carries no
 * `lk_flow` cookie. Validates the response (`validateResponse`), consumes the
 * request it answers (one conditional statement, whichever browser it is bound
 * to), keeps its assertion ID against replay, and leaves the validated
 * identity in a flow bound to the request's browser. The browser then goes to
 * the finish URL, a same-site GET where its `lk_flow` is checked. Never sets a
 * cookie. A refused response is recorded for the admins; the browser that sent
 * the request (when the response names a real one) is told with `idp-error`,
 * any other refusal is `saml_rejected`. A response to a connection test's request
 * is checked the same way and reported instead (`connection-test.ts`).
 */
export async function receiveResponse(deps: Deps, connectionId: string, samlResponse: string): Promise<AcsAnswer> {
  const connection = await samlConnection(deps, connectionId);
  if (!connection) throw new ProblemError('not_found', { detail: 'no such SAML connection' });
  const now = deps.clock();
  const consumeRequest = (id: string) => consumeFlowBySecretForAnyBrowser<SamlRequestData>(deps.storage, { kind: SAML_REQUEST, secretHash: hashId(id), now });
  let validated;
  try {
    validated = await validateResponse(deps.config, connection.id, connection.config, samlResponse, now, await spKeyOf(deps, connection));
  } catch (error) {
    if (!(error instanceof SamlRejection)) throw error;
    // The request the response claims to answer, if it is a real one of this connection: its page hears it failed.
    const claimed = /InResponseTo="([^"]{1,200})"/.exec(Buffer.from(samlResponse, 'base64').toString('utf8'))?.[1];
    return refuse(deps, connection, error, claimed ? await consumeRequest(claimed) : undefined);
  }
  if (validated.inResponseTo === null) {
    if (!connection.idpInitiated) return refuse(deps, connection, new SamlRejection('unsolicited', 'an IdP-initiated response; this connection takes only responses to its own requests'));
    if (!connection.enabled) return refuse(deps, connection, new SamlRejection('disabled', 'the connection is disabled'));
    return receiveUnsolicited(deps, connection, validated);
  }
  const request = await consumeRequest(validated.inResponseTo);
  if (!request) return refuse(deps, connection, new SamlRejection('in_response_to', `InResponseTo ${validated.inResponseTo} is no open request of this connection`));
  if (!connection.enabled && !request.data.test) return refuse(deps, connection, new SamlRejection('disabled', 'the connection was disabled after the sign-in started'), request);
  if (!(await rememberAssertion(deps.storage, { connectionId: connection.id, assertionId: validated.assertionId, expiresAt: validated.validUntil, now }))) {
    return refuse(deps, connection, new SamlRejection('replay', `assertion ${validated.assertionId} was taken before`), request);
  }
  if (request.data.test) return reportTest(deps, connection, await passedReport(deps, connection, request.data.test, validated));
  await insertFlow<SamlAssertionData>(deps.storage, {
    id: randomId('flw'),
    kind: SAML_ASSERTION,
    bindingHash: request.bindingHash,
    secretHash: null,
    userId: null,
    data: { ...request.data, ...identityOf(connection, validated) },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ASSERTION_TTL_MS),
  });
  return { location: `${deps.config.publicUrl}/v1/saml/finish` };
}

/**
 * A refused response, recorded for the admins under a new reference. A request of this
 * connection that it answers hears of it: a test gets its report, a sign-in's browser an
 * `idp-error` with the reference. Anything else is `saml_rejected` (the ACS shows a browser
 * a page with the reference).
 */
async function refuse(deps: Deps, connection: SamlConnection, rejection: SamlRejection, request?: ConsumedFlow<SamlRequestData> & { bindingHash: string }): Promise<AcsAnswer> {
  const reference = await recordRejection(deps, connection, rejection);
  if (!request || request.data.connection !== connection.id) throw new ProblemError('saml_rejected', { detail: `reference ${reference}` });
  if (request.data.test) return reportTest(deps, connection, failedReport(request.data.test, rejection, reference));
  await storeResult(deps.storage, deps, request, null, { step: { ...idpErrorStep('idp_error', target(connection), request.data.return_to), reference } });
  return { location: resumeLocation(request.data.resume_url) };
}

/** Keeps a connection test's report and shows it to the admin who ran it. */
async function reportTest(deps: Deps, connection: SamlConnection, report: ConnectionTestReport): Promise<AcsAnswer> {
  await recordTestReport(deps, report);
  return { page: testReportPage(connection.name, report) };
}

/**
 * An IdP-initiated response, on a connection that allows it: kept against replay like any
 * other, then left for the browser that follows the 303 with a one-time reference (there
 * is no request to bind it to; that is why it is off by default). It lands on the host's
 * first allowed origin.
 */
async function receiveUnsolicited(deps: Deps, connection: SamlConnection, validated: ValidatedResponse): Promise<{ location: string }> {
  const now = deps.clock();
  if (!(await rememberAssertion(deps.storage, { connectionId: connection.id, assertionId: validated.assertionId, expiresAt: validated.validUntil, now }))) {
    await refuse(deps, connection, new SamlRejection('replay', `assertion ${validated.assertionId} was taken before`));
  }
  const ref = randomSecret();
  const landing = `${deps.config.allowedOrigins[0] ?? deps.config.publicUrl}/`;
  await insertFlow<SamlAssertionData>(deps.storage, {
    id: randomId('flw'),
    kind: SAML_ASSERTION,
    bindingHash: UNBOUND,
    secretHash: hashId(ref),
    userId: null,
    data: { connection: connection.id, org: connection.orgId, resume_url: landing, return_to: null, ...identityOf(connection, validated) },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ASSERTION_TTL_MS),
  });
  return { location: `${deps.config.publicUrl}/v1/saml/finish?ref=${encodeURIComponent(ref)}` };
}

/** The identity a validated response brings, mapped through the connection. */
function identityOf(connection: SamlConnection, validated: ValidatedResponse): Pick<SamlAssertionData, 'external' | 'role' | 'role_follows_idp'> {
  const subject = mapSubject(connection.config, validated.profile);
  return {
    // The IdP's entity ID and NameID key the identity; an organization's IdP vouches for addresses at its verified domains.
    external: {
      issuer: connection.config.idpEntityId,
      subject: subject.nameId,
      email: subject.email,
      emailVerified: true,
      name: subject.name,
      authn: { authnContexts: validated.authnContexts },
    },
    role: subject.role ?? connection.defaultRole,
    role_follows_idp: Object.keys(connection.config.groupRoles).length > 0,
  };
}

/**
 * `GET /v1/saml/finish[?ref=]`: the same-site step after the ACS. Only the browser
 * whose `lk_flow` started the request finds the validated identity (a response
 * posted into another browser finds nothing there: no login CSRF); the sign-in
 * then completes as every federated one does, and the browser goes back to its
 * page with `lk_resume=1`.
 */
export async function finishSamlTrip(
  deps: Deps,
  browser: Browser,
  unsolicitedRef: string | undefined,
  linkingSession: () => Promise<{ session: LiveSession; user: SessionUser } | undefined>,
): Promise<{ location: string; session?: StepOutcome['session'] }> {
  const now = deps.clock();
  const waiting =
    unsolicitedRef !== undefined
      ? await consumeFlowBySecret<SamlAssertionData>(deps.storage, { kind: SAML_ASSERTION, secretHash: hashId(unsolicitedRef), bindingHash: UNBOUND, now })
      : browser.newBinding
        ? undefined
        : await consumeNewestFlow<SamlAssertionData>(deps.storage, { kind: SAML_ASSERTION, bindingHash: browser.bindingHash, now });
  if (!waiting) throw new ProblemError('no_flow');
  const data = waiting.data;
  const location = resumeLocation(data.resume_url);
  const connection = await findConnection(deps.storage, data.connection);
  const from: IdentitySource = {
    source: { connection: data.connection, org: data.org },
    name: connection?.name ?? 'SSO',
    method: 'saml',
    linkByEmail: connection?.allowLinking ?? false,
    membership: { org: data.org, role: data.role, followIdp: data.role_follows_idp },
    ...(connection?.type === 'saml' && connection.config.idpMfa ? { idpMfa: connection.config.idpMfa } : {}),
  };
  try {
    if (!connection || connection.orgId !== data.org || !connection.enabled) throw new IdpFailure('idp_error', 'the connection was removed or disabled meanwhile');
    return { location, ...(await completeFederated(deps, browser, from, data.external, { purpose: 'sign-in', userId: null, returnTo: data.return_to }, linkingSession)) };
  } catch (error) {
    if (!(error instanceof IdpFailure)) throw error;
    // Kept for the organization's admins like a refusal at the ACS (an address outside its domains, a link not allowed).
    const reference = connection ? await recordRejection(deps, connection, new SamlRejection(error.reason, error.message)) : undefined;
    const step = idpErrorStep(error.reason, { kind: 'sso', name: from.name }, data.return_to);
    await storeResult(deps.storage, deps, browser, null, { step: reference ? { ...step, reference } : step });
    return { location };
  }
}

export type { SamlConnectionConfig };
