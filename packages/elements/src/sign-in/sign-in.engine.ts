import type { DoneStep, MfaEnrollStep, PasswordStep, Step } from '@latchkey/client';
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
    case 'mfa-enroll':
      // After the app's first code, the step's chunk holds the broker's `done` back here until the recovery codes were seen.
      return { name: 'mfa-enroll', step, done: (step as MfaEnrollStep & { done?: DoneStep }).done };
    // Each the view of its own name.
    case 'sso-redirect':
    case 'idp-error':
    case 'mfa':
    case 'done':
      return { name: step.step, step } as SignInView;
    default:
      return undefined;
  }
}
