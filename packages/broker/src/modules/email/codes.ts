import { createHmac } from 'node:crypto';

/**
 * A code is stored as HMAC-SHA-256(secret, flow id + code): a leaked table
 * neither shows codes nor lets one be tried offline without the secret, and
 * binding the flow id stops a code from one flow being good for another.
 */
export function hashCode(secret: string, flowId: string, code: string): string {
  return createHmac('sha256', secret).update(`${flowId}:${code}`).digest('base64url');
}
