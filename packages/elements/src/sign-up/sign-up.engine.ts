import type { Step } from '@latchkey/client';
import type { SignUpView } from './sign-up.js';

// lk-sign-up's engine chunk, imported with its first request or while the page is idle:
// the flows' engine, and how a broker step becomes one of its views.

export { FlowEngine } from '../internal/controllers/flow-engine.js';

/** The one place a broker step becomes a view of lk-sign-up; undefined for a step it cannot show. */
export function viewOf(step: Step): SignUpView | undefined {
  if (step.step === 'email-code' && step.purpose === 'sign-up') return { name: 'email-code', step };
  if (step.step === 'passkey-registration') return { name: 'passkey', step };
  if (step.step === 'sso-redirect') return { name: 'sso-redirect', step };
  if (step.step === 'done') return { name: 'done', step };
  return undefined;
}
