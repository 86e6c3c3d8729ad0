/**
 * What every step template gets from its element besides its own data and
 * callbacks: plain values, never the element.
 */
export interface FormState {
  /** Prefix of the form's light-DOM ids, unique per element on the page. */
  uid: string;
  /** Problems by field name: found before sending, or sent back by the broker for that field. */
  fieldErrors: Record<string, string>;
  /** A request is running: the submit button says so. */
  pending: boolean;
  /** What went wrong with the last request, for the live region; empty when nothing did (or a field says it). */
  alert: string;
  /** Now, in ms (ticks while a resend countdown shows). */
  now: number;
  /** A new code was just sent on this step. */
  resent?: boolean;
}
