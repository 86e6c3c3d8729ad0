import { LatchkeyError } from '@latchkey/client';
import type { FlowView } from './controllers/flow-controller.js';

// Apart from the step loader, so the error messages can know this class without it.

/**
 * The chunk of a step the broker answered could not be imported (offline, a
 * deploy that removed it). The answer is kept in `view`: "Try again" imports
 * the chunk again and shows it, without asking the broker a second time (the
 * code a reset sent, say, is still the one to use). A `network_error` to the
 * page (`lk-error`): nothing could be fetched.
 */
export class StepLoadError extends LatchkeyError {
  constructor(
    readonly view: FlowView,
    cause: unknown,
  ) {
    super('network_error', `the "${view.name}" step could not be loaded`, { cause });
  }
}
