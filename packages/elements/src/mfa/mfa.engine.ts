import type { Step } from '@latchkey/client';
import type { MfaChallengeView } from './mfa.js';

// lk-mfa's engine chunk (mode "challenge"), imported with its first request or while the page
// is idle: the flows' engine, and which broker steps it shows.

export { FlowEngine } from '../internal/controllers/flow-engine.js';

/** A broker step as a view of lk-mfa's challenge: the `mfa` step again (a wrong code), or `done`. */
export function viewOf(step: Step): MfaChallengeView | undefined {
  if (step.step === 'mfa') return { name: 'mfa', step };
  if (step.step === 'done') return { name: 'done', step };
  return undefined;
}
