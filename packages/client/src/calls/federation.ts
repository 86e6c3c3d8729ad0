import { request, requestStep } from '../internal/request.js';
import type { CallOptions, Connection } from '../types.js';
import { BROKER_STEPS, type Step } from '../wire/auth.js';
import type { PublicConfig, SocialSignInRequest, SsoRedirectStep } from '../wire/federation.js';

/**
 * What the sign-in and sign-up screens may offer before anyone typed anything
 * (`GET /v1/config`, 200, no cookie needed): the social buttons, in order.
 *
 * @example
 * const { social } = await getPublicConfig(conn);
 * for (const p of social) addButton(`Continue with ${p.name}`, p.id);
 */
export function getPublicConfig(conn: Connection, options?: CallOptions): Promise<PublicConfig> {
  return request(conn, { method: 'GET', path: '/v1/config' }, options);
}

/**
 * Starts signing in (or up) with a social provider (`POST /v1/sign-in/social`,
 * 200): the answer is where to send the whole page. The broker's callback
 * brings the browser back to `resume_url` with `lk_resume=1`; call
 * `resumeSignIn` there. 404 `unknown_provider` for a provider not configured.
 *
 * @example
 * const step = await startSocialSignIn(conn, { provider: 'github', resume_url: location.href });
 * location.assign(step.url);
 */
export function startSocialSignIn(conn: Connection, body: SocialSignInRequest, options?: CallOptions): Promise<SsoRedirectStep> {
  return requestStep(conn, { method: 'POST', path: '/v1/sign-in/social', body, steps: ['sso-redirect'] }, options);
}

/**
 * Where this browser's flow stands after a trip to an identity provider
 * (`GET /v1/sign-in/flow`, 200, bound by the `lk_flow` cookie): `done` (the
 * callback set the session cookie), `idp-error`, or the next requirement.
 * Answered once; 404 `no_flow` when this browser has none (a reload, another tab).
 *
 * @example
 * if (new URLSearchParams(location.search).has('lk_resume')) show(await resumeSignIn(conn));
 */
export function resumeSignIn(conn: Connection, options?: CallOptions): Promise<Step> {
  return requestStep(conn, { method: 'GET', path: '/v1/sign-in/flow', steps: BROKER_STEPS }, options);
}
