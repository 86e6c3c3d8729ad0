/**
 * What every step template gets from its element besides its own data and
 * callbacks: plain values, never the element.
 */
export interface FormState {
  /** Prefix of the form's light-DOM ids, unique per element on the page. */
  uid: string;
  /** Problems found before sending, by field name. */
  fieldErrors: Record<string, string>;
  /** A request is running: the submit button says so. */
  pending: boolean;
  /** What went wrong with the last request, for the live region; empty when nothing did. */
  alert: string;
  /** Now, in ms (ticks while a resend countdown shows). */
  now: number;
}
