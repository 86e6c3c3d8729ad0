import type { PasswordStep, Step } from '@latchkey/client';
import type { SignInView } from './sign-in.steps.js';

// lk-sign-in's engine chunk, imported with its first request or while the page is idle:
// the flows' engine, and how a broker step becomes one of its views. Neither is needed to
// draw the first screen.

export { FlowEngine } from '../internal/controllers/flow-engine.js';

/** The password step to return to from `from` (a reset's code step lists no sign-in methods of its own). */
function passwordStepBefore(from: SignInView, email: string): PasswordStep {
  const before = from.name === 'password' ? from.step : from.name === 'reset' ? from.back : undefined;
  return { step: 'password', email, methods: before?.methods ?? ['password'] };
}

/** The one place a broker step becomes a view of lk-sign-in; undefined for a step it cannot show. */
export function viewOf(step: Step, from: SignInView): SignInView | undefined {
  switch (step.step) {
    case 'identifier':
      return { name: 'identifier' };
    case 'password':
      // A reset's answer lists the account's passkeys first, when it has any.
      return { name: step.review ? 'passkey-review' : 'password', step } as SignInView;
    case 'email-code':
      if (step.purpose === 'password-reset') return { name: 'reset', step, back: passwordStepBefore(from, step.email) };
      return step.purpose === 'sign-in' ? { name: 'email-code', step } : undefined;
    case 'done':
      // After enrolment during sign-in: the recovery codes first, on the enrolment's step (see steps/mfa-enroll.ts).
      return from.name === 'mfa-enroll' && step.recovery_codes?.length ? { name: 'mfa-enroll', step: from.step, done: step } : { name: 'done', step };
    // Each the view of its own name.
    case 'sso-redirect':
    case 'idp-error':
    case 'mfa':
    case 'mfa-enroll':
      return { name: step.step, step } as SignInView;
    default:
      return undefined;
  }
}
