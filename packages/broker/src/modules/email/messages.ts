import type { Mail } from './mailer.js';
import type { EmailCodePurpose as FlowPurpose } from '@latchkey/client';

const SUBJECTS: Record<FlowPurpose, string> = {
  'sign-up': 'Confirm your email address',
  'sign-in': 'Your sign-in code',
  'password-reset': 'Reset your password',
};

const REASONS: Record<FlowPurpose, string> = {
  'sign-up': 'to confirm your email address and finish creating your account',
  'sign-in': 'to sign in',
  'password-reset': 'to choose a new password',
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
