import { LatchkeyError } from '@latchkey/client';
import type { SectionHost } from './section.js';

/** An aborted request: the section moved on, nothing to tell. */
export const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

/**
 * Tells the page about a failure a section now shows (`lk-error`); a session the
 * broker no longer knows signs the page out, so every element follows.
 */
export function reportSectionFailure(section: SectionHost, error: unknown): void {
  if (isAbort(error)) return;
  section.reportError(error);
  if (error instanceof LatchkeyError && error.code === 'unauthenticated') section.client().session.set(null);
}
