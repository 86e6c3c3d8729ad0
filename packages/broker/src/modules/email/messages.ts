import type { Mail } from './mailer.js';
import type { EmailCodePurpose as FlowPurpose } from '@latchkey/client';

const SUBJECTS: Record<FlowPurpose, string> = {
  'sign-up': 'Confirm your email address',
  'sign-in': 'Your sign-in code',
  'password-reset': 'Reset your password',
  'step-up': 'Confirm it’s you',
  'email-change': 'Confirm your new email address',
};

const REASONS: Record<FlowPurpose, string> = {
  'sign-up': 'to confirm your email address and finish creating your account',
  'sign-in': 'to sign in',
  'password-reset': 'to choose a new password',
  'step-up': 'to confirm it is you before a change to your account',
  'email-change': 'to make this the email address of your account',
};

/**
 * The mail that carries a code. The code is on a line of its own so it is easy
 * to copy, and only in the body: a subject shows on lock screens and in
 * notification previews, where anyone near the phone could read a code in it.
 */
export function codeMail(to: string, purpose: FlowPurpose, code: string, ttlMinutes: number): Mail {
  return {
    to,
    subject: SUBJECTS[purpose],
    text: [
      `Enter this code ${REASONS[purpose]}:`,
      '',
      `    ${code}`,
      '',
      `It expires in ${ttlMinutes} minutes and works once.`,
      'If you did not ask for it, ignore this message; nothing changes.',
    ].join('\n'),
  };
}

/** Sent instead of a code when someone tries to sign up with an address that has an account. */
export function alreadyRegisteredMail(to: string): Mail {
  return {
    to,
    subject: 'Someone tried to sign up with your email address',
    text: [
      'Someone tried to create an account with this email address, but you already have one.',
      '',
      'If it was you, sign in instead, or reset your password if you forgot it.',
      'If it was not you, you can ignore this message; your account is unchanged.',
    ].join('\n'),
  };
}

/**
 * Sent instead of a code when someone asks to move their account to an address
 * that has an account of its own: its owner learns of it, and nobody else learns
 * that the address has an account (the asker gets the same answer either way).
 */
export function addressInUseMail(to: string): Mail {
  return {
    to,
    subject: 'Someone tried to use your email address',
    text: [
      'Someone asked to change the email address of their account to this one, but it already belongs to your account.',
      '',
      'Nothing was changed. If it was you, sign in to this account instead.',
      'If it was not you, you can ignore this message; your account is unchanged.',
    ].join('\n'),
  };
}

/** Tells the old address that the account now uses another one, and what to do if that was not its owner. */
export function emailChangedMail(to: string, newEmail: string, context: NewWayInContext): Mail {
  return {
    to,
    subject: 'The email address of your account was changed',
    text: [
      `The email address of your account was changed to ${newEmail}. Sign in with that address from now on.`,
      '',
      ...whereAndWhen(context),
      '',
      'If this was you, there is nothing to do.',
      "If this wasn't you, someone else controls your account: contact this site's support.",
    ].join('\n'),
  };
}

/**
 * A new way into an existing account. Each capability that adds one (a TOTP
 * factor, a connected social account) adds a variant here and calls
 * `announceNewWayIn` with it.
 */
export type NewWayIn =
  /** `provider`: the passkey provider's name from our own AAGUID list, or null when unknown. */
  | { kind: 'passkey'; provider: string | null }
  /** `replaced`: the account had a password before (else it had none: a passkey-first account). */
  | { kind: 'password'; replaced: boolean }
  /** `provider`: the display name of the social provider (or organization connection) now connected. */
  | { kind: 'identity'; provider: string };

/** Where and when it happened, as `announceNewWayIn` describes the request. */
export interface NewWayInContext {
  /** A short description built from fixed names ("Chrome on macOS"), never the raw User-Agent. */
  device: string;
  /** The client address, or null when the broker does not know it. */
  address: string | null;
  at: Date;
}

const NEW_WAY_IN: { readonly [K in NewWayIn['kind']]: (added: Extract<NewWayIn, { kind: K }>) => { subject: string; what: string; undo: string } } = {
  passkey: (added) => ({
    subject: 'A passkey was added to your account',
    what: added.provider ? `A passkey (${added.provider}) was added to your account.` : 'A passkey was added to your account.',
    undo: "If this wasn't you: reset your password and remove the passkey from your account page. The reset signs you out everywhere and shows you your passkeys to remove the ones you don't know.",
  }),
  password: (added) => ({
    subject: added.replaced ? 'Your password was changed' : 'A password was added to your account',
    what: added.replaced ? 'Your password was changed.' : 'A password was added to your account; you can now sign in with it.',
    undo: "If this wasn't you: reset your password and remove any passkey you don't know from your account page. The reset signs you out everywhere.",
  }),
  identity: (added) => ({
    subject: `A ${added.provider} account was connected to your account`,
    what: `A ${added.provider} account was connected to your account; you can now sign in with it.`,
    undo: "If this wasn't you: disconnect it from your account page and reset your password. The reset signs you out everywhere.",
  }),
};

/** "2026-11-24 12:00 UTC": a moment every reader can place, whatever their time zone. */
const readableUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The device, address and time lines of a notice. */
function whereAndWhen(context: NewWayInContext): string[] {
  return [`    Device:  ${context.device}`, ...(context.address ? [`    Address: ${context.address}`] : []), `    When:    ${readableUtc(context.at)}`];
}

/**
 * The notice that a way into the account was added: what, from which device
 * and address, and when. It carries no secret and no text the requester chose
 * (a passkey's name is theirs to pick, so a stranger's could read "ignore this
 * mail"): the provider's name comes from our own list.
 */
export function newWayInMail(to: string, added: NewWayIn, context: NewWayInContext): Mail {
  const { subject, what, undo } = (NEW_WAY_IN[added.kind] as (a: NewWayIn) => { subject: string; what: string; undo: string })(added);
  return {
    to,
    subject,
    text: [
      what,
      '',
      ...whereAndWhen(context),
      '',
      'If this was you, there is nothing to do.',
      undo,
    ].join('\n'),
  };
}

/**
 * An invitation to an organization (issue 24 §2): the same mail whether or not
 * the address has an account (the link's page offers both signing in and
 * signing up), so neither the inviter nor the mail tells which. The link holds
 * the single-use token; the organization's name and the inviter's address are
 * what the invitee needs to judge it.
 */
export function invitationMail(to: string, invitation: { organization: string; invitedBy: string | null; role: string; url: string; expiresAt: Date }): Mail {
  return {
    to,
    subject: `You are invited to join ${invitation.organization}`,
    text: [
      `${invitation.invitedBy ?? 'Someone'} invited you to join ${invitation.organization} as ${invitation.role}.`,
      '',
      'Open this link to accept (sign in, or create an account with this email address):',
      '',
      `    ${invitation.url}`,
      '',
      `The invitation works once and expires on ${readableUtc(invitation.expiresAt)}.`,
      'If you did not expect it, ignore this message; nothing changes.',
    ].join('\n'),
  };
}

/** The decision on a request to join an organization, with the reason the deciding owner or admin gave. */
export function accessDecisionMail(to: string, decision: { organization: string; approved: boolean; reason: string | null }): Mail {
  return {
    to,
    subject: decision.approved ? `Your request to join ${decision.organization} was approved` : `Your request to join ${decision.organization} was declined`,
    text: [
      decision.approved ? `You are now a member of ${decision.organization}.` : `Your request to join ${decision.organization} was declined.`,
      ...(decision.reason ? ['', 'The reason given:', '', `    ${decision.reason}`] : []),
    ].join('\n'),
  };
}
