import type { Deps } from '../../deps.js';
import { randomId } from '../../random.js';
import { finishConnectionTest, insertConnectionTest, insertFlow, type ConnectionRecord } from '../../storage/queries/index.js';
import { requireOwnDomain } from '../oauth/enterprise.js';
import type { IdentitySource } from '../oauth/federated.js';
import { IdpFailure } from '../oauth/protocol.js';
import type { SamlRejection } from './checks.js';
import { mapSubject } from './config.js';
import { hashId, REQUEST_TTL_MS, SAML_REQUEST, UNBOUND, type SamlRequestData } from './request-flow.js';
import { spKeyOf } from './sp-key.js';
import { authnRequestUrl, newRequestId, type ValidatedResponse } from './sp.js';

/**
 * "Test connection" (issue 22 §3): an admin's trial sign-in through a SAML connection. The
 * admin API answers a URL (an AuthnRequest to the IdP, like any sign-in's); the admin signs
 * in there; the IdP posts to the ACS, which checks the response exactly as for a sign-in,
 * keeps its assertion against replay, and then reports instead of signing in: what the IdP
 * sent, what the connection mapped it to, and whether a sign-in would pass the domain rule.
 * Works on a disabled connection, so it can be tried before anyone can use it.
 */

/** What a test found, as the admin API and the report page show it. */
export interface ConnectionTestReport {
  id: string;
  status: 'passed' | 'failed';
  /** What the IdP asserted (from node-saml's validated profile). */
  received?: { issuer: string; name_id: string; name_id_format: string | null; session_index: string | null; attributes: Record<string, string[]> };
  /** What the connection's attribute names and group roles made of it. */
  mapped?: { email: string | null; name: string | null; groups: string[]; role: string };
  /** Whether a real sign-in with this response would go through (it checks the organization's domains). */
  sign_in: { would_sign_in: boolean; reason: string | null; detail: string | null };
  /** Why the response was refused, when it was. */
  rejection?: { reason: string; detail: string; reference: string };
}

/** How long a test's report is kept. */
const REPORT_TTL_MS = 24 * 3_600_000;

/**
 * Starts a test: the pending test and its AuthnRequest (bound to no browser: whichever
 * browser the admin opens the URL in), in one transaction.
 */
export async function startConnectionTest(deps: Deps, connection: ConnectionRecord & { type: 'saml' }): Promise<{ id: string; url: string; expiresAt: Date }> {
  const id = randomId('ctest');
  const requestId = newRequestId();
  const url = await authnRequestUrl(deps.config, connection.id, connection.config, await spKeyOf(deps, connection), requestId);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + REQUEST_TTL_MS);
  await deps.storage.transaction(async (tx) => {
    await insertConnectionTest(tx, { id, connectionId: connection.id, createdAt: now, expiresAt: new Date(now.getTime() + REPORT_TTL_MS) });
    await insertFlow<SamlRequestData>(tx, {
      id: randomId('flw'),
      kind: SAML_REQUEST,
      bindingHash: UNBOUND,
      secretHash: hashId(requestId),
      userId: null,
      data: { connection: connection.id, org: connection.orgId, resume_url: '', return_to: null, test: id },
      maxAttempts: 0,
      createdAt: now,
      expiresAt,
    });
  });
  return { id, url, expiresAt };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');

/** A validated response's report: what was sent, what was mapped, and the domain rule's verdict. Writes nothing. */
export async function passedReport(deps: Deps, connection: ConnectionRecord & { type: 'saml' }, testId: string, validated: ValidatedResponse): Promise<ConnectionTestReport> {
  const { profile } = validated;
  const subject = mapSubject(connection.config, profile);
  const attributes = Object.fromEntries(Object.entries((profile.attributes ?? {}) as Record<string, unknown>).map(([name, value]) => [name, strings(value)]));
  const role = subject.role ?? connection.defaultRole;
  const source = { membership: { org: connection.orgId, role } } as IdentitySource;
  let sign_in: ConnectionTestReport['sign_in'] = { would_sign_in: true, reason: null, detail: null };
  try {
    await requireOwnDomain(deps.storage, source, subject.email);
  } catch (error) {
    if (!(error instanceof IdpFailure)) throw error;
    sign_in = { would_sign_in: false, reason: error.reason, detail: error.message };
  }
  if (sign_in.would_sign_in && !connection.enabled) sign_in = { would_sign_in: false, reason: 'disabled', detail: 'the connection is disabled: enable it to let its users sign in' };
  return {
    id: testId,
    status: 'passed',
    received: { issuer: profile.issuer, name_id: profile.nameID, name_id_format: profile.nameIDFormat ?? null, session_index: profile.sessionIndex ?? null, attributes },
    mapped: { email: subject.email, name: subject.name, groups: subject.groups, role },
    sign_in,
  };
}

/** A refused response's report: the reason and detail (the tester is the admin), and the recorded reference. */
export const failedReport = (testId: string, rejection: SamlRejection, reference: string): ConnectionTestReport => ({
  id: testId,
  status: 'failed',
  sign_in: { would_sign_in: false, reason: 'rejected', detail: null },
  rejection: { reason: rejection.reason, detail: rejection.message, reference },
});

/** Stores the report on its test, once (a second response for the same test changes nothing). */
export async function recordTestReport(deps: Deps, report: ConnectionTestReport): Promise<void> {
  await finishConnectionTest(deps.storage, report.id, { status: report.status, report: { ...report }, now: deps.clock() });
}
