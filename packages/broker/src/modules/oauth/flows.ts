import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { IdpErrorStep, RedirectTarget, SsoRedirectStep, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import type { ProblemCode } from '@latchkey/client';
import { randomId } from '../../random.js';
import { consumeFlowBySecret, consumeNewestFlow, insertFlow } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import type { Browser } from '../sign-in/browser.js';
import { oauthRedirectUri } from '../orgs/connections.js';
import type { Protocol } from './protocol.js';
import type { ProviderConfig } from './providers.js';

/** The flow kind of a trip to an IdP: opened by the start, consumed by the callback. */
export const OAUTH_FLOW = 'oauth';
/** The flow kind of a trip's result, waiting for `GET /v1/sign-in/flow` on the page the browser returns to. */
export const OAUTH_RESULT = 'oauth-result';

const TRIP_TTL_MS = 10 * 60_000;
const RESULT_TTL_MS = 5 * 60_000;

/** What a trip to an IdP carries from the start to the callback (the flow's data). */
export interface OAuthFlowData {
  source: ProviderConfig['source'];
  code_verifier: string;
  nonce: string | null;
  /** The issuer the answer must come from (a mix-up check beside oauth4webapi's own). */
  issuer: string;
  purpose: 'sign-in' | 'link';
  resume_url: string;
  return_to: string | null;
}

/**
 * What the callback leaves for the page the browser returns to: the step, or a
 * refusal of the engine's (an organization's policy, such as `sso_required`), which
 * `GET /v1/sign-in/flow` answers as that problem.
 */
export type OAuthResultData = { step: Step } | { problem: ProblemCode };

/** `state` is found again by its hash only: a leaked flows table holds no live state. */
export const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');


export const targetOf = (provider: ProviderConfig): RedirectTarget =>
  'provider' in provider.source ? { kind: 'social', name: provider.name, icon: provider.icon } : { kind: 'sso', name: provider.name };

/**
 * Opens a trip to `provider`: a flow bound to this browser holding the PKCE
 * verifier, the nonce, the expected issuer, the purpose and where to come
 * back, found again by the hash of `state`. Answers the redirect step.
 */
export async function startTrip(
  deps: Deps,
  protocol: Protocol,
  browser: Browser,
  provider: ProviderConfig,
  trip: { purpose: 'sign-in' | 'link'; userId: string | null; resumeUrl: string; returnTo: string | null },
): Promise<SsoRedirectStep> {
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = provider.protocol === 'oidc' ? oauth.generateRandomNonce() : null;
  const url = await protocol.authorizationUrl(provider, oauthRedirectUri(deps.config), { state, codeVerifier, nonce });
  const now = deps.clock();
  await insertFlow<OAuthFlowData>(deps.storage, {
    id: randomId('flw'),
    kind: OAUTH_FLOW,
    bindingHash: browser.bindingHash,
    secretHash: hashState(state),
    userId: trip.userId,
    data: { source: provider.source, code_verifier: codeVerifier, nonce, issuer: provider.issuer, purpose: trip.purpose, resume_url: trip.resumeUrl, return_to: trip.returnTo },
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + TRIP_TTL_MS),
  });
  return { step: 'sso-redirect', url, to: targetOf(provider) };
}

/** The callback's trip, consumed once in one statement: open, of this browser, and with this `state`. */
export async function consumeTrip(deps: Deps, browser: Browser, state: string) {
  return consumeFlowBySecret<OAuthFlowData>(deps.storage, { kind: OAUTH_FLOW, secretHash: hashState(state), bindingHash: browser.bindingHash, now: deps.clock() });
}

/** Leaves the trip's result for this browser (single-use, five minutes). */
export async function storeResult(db: Db, deps: Deps, browser: Pick<Browser, 'bindingHash'>, userId: string | null, result: OAuthResultData): Promise<void> {
  const now = deps.clock();
  await insertFlow<OAuthResultData>(db, {
    id: randomId('flw'),
    kind: OAUTH_RESULT,
    bindingHash: browser.bindingHash,
    secretHash: null,
    userId,
    data: result,
    maxAttempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESULT_TTL_MS),
  });
}

/** This browser's waiting result, answered once; undefined when there is none. */
export async function takeResult(deps: Deps, browser: Browser): Promise<OAuthResultData | undefined> {
  return (await consumeNewestFlow<OAuthResultData>(deps.storage, { kind: OAUTH_RESULT, bindingHash: browser.bindingHash, now: deps.clock() }))?.data;
}

export const idpErrorStep = (reason: IdpErrorStep['reason'], to: RedirectTarget, returnTo: string | null): IdpErrorStep => ({ step: 'idp-error', reason, to, return_to: returnTo });

/** The page to come back to, with `lk_resume=1` so its element asks for the flow's step. */
export function resumeLocation(resumeUrl: string): string {
  const url = new URL(resumeUrl);
  url.searchParams.set('lk_resume', '1');
  return url.href;
}
