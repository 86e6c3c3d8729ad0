import { msg, str } from './localize.js';
import { networkMessage } from './messages.js';
import { LatchkeyError, type LatchkeyErrorCode } from '@latchkey/client';
import { currentLocale } from './locale-state.js';
import { pluralCategory } from './plural.js';
import { PasskeyCeremonyError, type CeremonyFailure } from './ceremony-error.js';

// The messages of every error code, in a chunk of their own (`messages.ts` imports it when the
// page is idle, or when an error is about to show): no first screen needs them to draw itself.

/**
 * One message per error code, id `error.<code>` (as Hanko's `flowErrors.<code>`).
 * Typed over the closed `LatchkeyErrorCode` union, so a code added to
 * `@latchkey/client` (a broker `ProblemCode` or a client-side one) fails the
 * type check until it has its message here. Each entry is a function: `msg()`
 * must run at render time to answer in the current locale.
 */
/** "Not offered here": an unknown route, and every code an element never meets (admin API). */
const notOffered = () => msg("The sign-in service doesn't offer this. Reload the page, or contact the site's support.", { id: 'error.not_found' });

export const messages: { readonly [C in LatchkeyErrorCode]: (error: LatchkeyError) => string } = {
  // Broker problem codes (packages/client/src/wire/problem.ts).
  malformed_json: () => msg("The sign-in service couldn't read this request. Reload the page and try again.", { id: 'error.malformed_json' }),
  invalid_request: () => msg('Some of the details are not valid. Check them and try again.', { id: 'error.invalid_request' }),
  payload_too_large: () => msg('That is more than the sign-in service accepts. Shorten what you entered and try again.', { id: 'error.payload_too_large' }),
  unsupported_media_type: () => msg("The sign-in service couldn't read this request. Reload the page and try again.", { id: 'error.unsupported_media_type' }),
  invalid_credentials: () => msg("That email and password don't match. Try again, or reset your password.", { id: 'error.invalid_credentials' }),
  invalid_code: invalidCodeMessage,
  code_expired: () => msg('That code has expired or was already used. Ask for a new one.', { id: 'error.code_expired' }),
  too_many_attempts: () => msg('Too many wrong codes. Ask for a new code to try again.', { id: 'error.too_many_attempts' }),
  rate_limited: rateLimitedMessage,
  weak_password: () => msg('Choose a stronger password: at least 8 characters and not a common one.', { id: 'error.weak_password' }),
  forbidden_origin: () => msg("This site isn't allowed to sign in with this service.", { id: 'error.forbidden_origin' }),
  invalid_return_to: () => msg("The page you came from isn't allowed as a return address.", { id: 'error.invalid_return_to' }),
  unauthenticated: () => msg('Your session has ended. Sign in again.', { id: 'error.unauthenticated' }),
  passkey_rejected: () => msg("That passkey didn't work here. Try again, or use another way to sign in.", { id: 'error.passkey_rejected' }),
  passkey_exists: () => msg('This device already has a passkey for your account.', { id: 'error.passkey_exists' }),
  last_sign_in_method: () => msg("That's the only way left to sign in to your account, so it can't be removed.", { id: 'error.last_sign_in_method' }),
  not_found: notOffered,
  method_not_allowed: () => msg("The sign-in service doesn't offer this. Reload the page, or contact the site's support.", { id: 'error.method_not_allowed' }),
  unknown_provider: () => msg("That way to sign in isn't offered any more. Reload the page and pick another.", { id: 'error.unknown_provider' }),
  no_flow: () => msg('That sign-in has ended. Start again.', { id: 'error.no_flow' }),
  idp_unreachable: () => msg("The sign-in provider didn't respond. Try again in a moment.", { id: 'error.idp_unreachable' }),
  // A connected account that is the last way in: the same refusal, one message, as for a last passkey.
  last_way_in: (error) => messages.last_sign_in_method(error),
  sso_required: () => msg("Your organization signs you in with its own sign-in page. Continue with your email to get there.", { id: 'error.sso_required' }),
  invalid_state: () => msg('That sign-in could not be finished in this browser. Start again.', { id: 'error.invalid_state' }),
  saml_rejected: () => msg("Your organization's sign-in didn't go through. Try again, or ask your IT admin.", { id: 'error.saml_rejected' }),
  reauthentication_required: () => msg('Confirm it’s you to make this change.', { id: 'error.reauthentication_required' }),
  mfa_required: () =>
    msg('Your organization requires two-step verification, so you can’t remove your authenticator app.', { id: 'error.mfa_required' }),
  internal_error: () => msg('Something went wrong on our side. Try again in a moment.', { id: 'error.internal_error' }),
  // The broker's database is briefly out of reach: the same words, since trying again is the answer.
  service_unavailable: (error) => messages.internal_error(error),
  // Admin API codes (server to server): an element never meets them, so they share the "not offered" message.
  unauthorized: notOffered,
  admin_disabled: notOffered,
  unsupported_connection_type: notOffered,
  // Organizations (issue 24): lk-org-switcher, lk-org-profile, lk-sign-up's invitations.
  domain_taken: () => msg('This domain belongs to an organization already.', { id: 'error.domain_taken' }),
  slug_taken: () => msg('Another organization has this name already. Choose another.', { id: 'error.slug_taken' }),
  forbidden: () => msg('Your role in this organization doesn’t allow this.', { id: 'error.forbidden' }),
  last_owner: () => msg('An organization needs at least one owner. Make someone else an owner first.', { id: 'error.last_owner' }),
  role_exists: () => msg('A role with this key exists already.', { id: 'error.role_exists' }),
  role_in_use: () => msg('Members still have this role. Give them another role first.', { id: 'error.role_in_use' }),
  already_member: () => msg('This person is a member already.', { id: 'error.already_member' }),
  invitation_invalid: () => msg('This invitation is no longer valid. It may have expired, been used or been withdrawn. Ask for a new one.', { id: 'error.invitation_invalid' }),
  invitation_not_for_you: () => msg('This invitation was sent to another email address. Sign in with that address to accept it.', { id: 'error.invitation_not_for_you' }),
  request_pending: () => msg('You have asked to join already. The organization’s admins will decide.', { id: 'error.request_pending' }),
  already_decided: () => msg('This request was decided already.', { id: 'error.already_decided' }),
  public_email_domain: () => msg('A public email domain can’t belong to an organization.', { id: 'error.public_email_domain' }),
  domain_unverified: () => msg('The domain isn’t verified yet. Publish its TXT record, then try again.', { id: 'error.domain_unverified' }),
  no_connection: () => msg('Set up a single sign-on connection before you require it.', { id: 'error.no_connection' }),
  org_policy_unmet: () => msg('This organization requires more proof that it’s you.', { id: 'error.org_policy_unmet' }),
  // The operator suspended the account (admin API); said only after a factor of it passed.
  account_suspended: () => msg('This account is suspended. Contact the site’s support.', { id: 'error.account_suspended' }),
  // Codes the client decides (packages/client/src/errors.ts).
  network_error: networkMessage,
  unexpected_response: () => msg('The sign-in service gave an answer we did not expect. Try again in a moment.', { id: 'error.unexpected_response' }),
  unsupported_step: () => msg("This page can't show the next sign-in step yet. Try again later, or contact the site's support.", { id: 'error.unsupported_step' }),
  not_configured: () => msg("Sign-in isn't set up on this page yet.", { id: 'error.not_configured' }),
};

/** What the browser's passkey dialog ended with, when it gave no passkey. */
const ceremonyMessages: { readonly [F in CeremonyFailure]: () => string } = {
  cancelled: () => msg('The passkey request was cancelled. Try again, or use another way.'),
  'timed-out': () => msg('The passkey request timed out. Try again, or use another way.'),
  exists: () => msg('This device already has a passkey for your account.', { id: 'error.passkey_exists' }),
  unsupported: () => msg("This browser can't use passkeys. Use another way, or another browser."),
  failed: () => msg("Your device couldn't use a passkey. Try again, or use another way."),
};

/**
 * A wrong code, saying how many tries are left when the broker says. The count
 * picks a CLDR plural category of the current locale, so Arabic can use its
 * dual ("محاولتان") and its 3–10 and 11+ forms; English and German use only
 * `one` and `other`, the rest read as `other` there.
 */
function invalidCodeMessage(error: LatchkeyError): string {
  const left = error.problem?.attempts_left;
  if (left === undefined) return msg("That code isn't right. Check the email we sent and try again.", { id: 'error.invalid_code' });
  // No tries left: the same as too many.
  if (left <= 0) return messages.too_many_attempts(error);
  switch (pluralCategory(left)) {
    case 'one':
      return msg("That code isn't right. 1 try left.", { id: 'error.invalid_code.one-left' });
    case 'two':
      // Arabic's dual names no number ("محاولتان"); a locale whose `two` covers more than 2 reads `other`.
      if (left === 2) return msg("That code isn't right. 2 tries left.", { id: 'error.invalid_code.two-left' });
      break;
    case 'few':
      return msg(str`That code isn't right. ${left} tries left.`, { id: 'error.invalid_code.few-left' });
    case 'many':
      return msg(str`That code isn't right. ${left} tries left.`, { id: 'error.invalid_code.many-left' });
  }
  return msg(str`That code isn't right. ${left} tries left.`, { id: 'error.invalid_code.some-left' });
}

/**
 * Too many attempts, saying how long to wait when the broker said (`Retry-After`):
 * "Try again in 15 minutes", the duration worded by `Intl` in the current locale.
 */
function rateLimitedMessage(error: LatchkeyError): string {
  const seconds = error.retryAfterSeconds;
  if (!seconds) return msg('Too many attempts. Wait a moment, then try again.', { id: 'error.rate_limited' });
  // Rounded up, so the wait is never shorter than said (61 s is "2 minutes"); hours past 90 minutes.
  const [amount, unit] = seconds < 60 ? [seconds, 'second'] : seconds <= 5400 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
  const wait = new Intl.NumberFormat(currentLocale(), { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
  return msg(str`Too many attempts. Try again in ${wait}.`, { id: 'error.rate_limited.wait' });
}

/**
 * The text for a failure, once this chunk is in: a passkey dialog's end, or the code's
 * `error.<code>` message; undefined for anything else (`errorMessage` says the generic text).
 */
export function explain(error: unknown): string | undefined {
  if (error instanceof PasskeyCeremonyError) return ceremonyMessages[error.failure]();
  const message = error instanceof LatchkeyError ? messages[error.code] : undefined;
  return message?.(error as LatchkeyError);
}

/**
 * The problems the broker sent back for single fields, by the name of the
 * field that shows each, or undefined when it sent none the form shows. The
 * form's fields are its inputs with an id (`<uid>-<name>`, as `renderField`
 * sets it). Messages come from the problem's `code` and the field, never from
 * the broker's text. `path` is the request body's field (`password` is this
 * form's `password` or `new-password`). Here, not in the first screen: a flow
 * awaits this chunk before it reports a failure.
 */
export function serverFieldErrors(error: unknown, form: ParentNode | undefined, uid: string): Record<string, string> | undefined {
  if (!(error instanceof LatchkeyError) || !error.problem) return undefined;
  const fields = [...(form?.querySelectorAll('input[id]') ?? [])].map((input) => input.id.slice(uid.length + 1));
  const { code, errors, attempts_left } = error.problem;
  const out: Record<string, string> = {};
  const fieldOf = (path: string) => fields.find((f) => f === path || f === `new-${path}`);
  // A weak password is always about the password, with or without a path.
  // A wrong code is about the form's code field: a mailed code, or a second factor's (sign-in/steps/mfa.ts).
  const paths = code === 'weak_password' ? ['password'] : code === 'invalid_code' && attempts_left ? ['code', 'totp', 'recovery-code'] : (errors ?? []).map((e) => e.path);
  for (const path of paths) {
    const field = fieldOf(path);
    if (!field || out[field]) continue;
    out[field] =
      code === 'weak_password' ? msg('This password is too easy to guess. Choose another.')
      : code === 'invalid_code' ? invalidCodeMessage(error)
      : field === 'email' ? msg('Enter a valid email address, like name@example.com.')
      : msg('Check this field.');
  }
  return Object.keys(out).length ? out : undefined;
}
