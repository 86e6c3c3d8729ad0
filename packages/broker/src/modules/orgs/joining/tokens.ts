import type { BrokerConfig } from '../../../config.js';
import { randomSecret } from '../../../random.js';
import { hashSecret } from '../../sessions/sessions.js';

/**
 * The secrets of invitations and invite links: 256 random bits, base64url, in
 * the link the invitee opens; the database keeps only their SHA-256, so a leak
 * of it opens no organization.
 */

/** A token as `randomSecret` makes it: anything else is unknown before it reaches a query. */
const TOKEN_SHAPE = /^[\w-]{43}$/;

/** A new token and the hash to store. */
export function newJoinToken(): { token: string; tokenHash: string } {
  const token = randomSecret();
  return { token, tokenHash: hashSecret(token) };
}

/** The stored hash of a presented token, or undefined when it cannot be one of ours (answered as unknown). */
export const joinTokenHash = (token: string): string | undefined => (TOKEN_SHAPE.test(token) ? hashSecret(token) : undefined);

/**
 * The host page that takes invitations and invite links (`lk-sign-up`):
 * `orgs.joinUrl`, else the first allowed origin's `/sign-up`, else the broker's
 * public URL.
 */
export function joinPage(config: Pick<BrokerConfig, 'orgs' | 'allowedOrigins' | 'publicUrl'>): string {
  if (config.orgs.joinUrl) return config.orgs.joinUrl;
  const origin = config.allowedOrigins[0];
  return origin ? `${origin}/sign-up` : config.publicUrl;
}

/**
 * The link to mail or share: the join page with the token as `lk_invitation`
 * (an emailed invitation) or `lk_invite` (an invite link), kept with any query
 * the configured page has.
 *
 * @example
 * joinLink(config, 'lk_invite', token); // 'http://app.test/sign-up?lk_invite=…'
 */
export function joinLink(config: Pick<BrokerConfig, 'orgs' | 'allowedOrigins' | 'publicUrl'>, param: 'lk_invitation' | 'lk_invite', token: string): string {
  const url = new URL(joinPage(config));
  url.searchParams.set(param, token);
  return url.toString();
}
