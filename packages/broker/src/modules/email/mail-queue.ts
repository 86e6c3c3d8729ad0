import { describeErrorForLog } from '../../http/problem.js';
import type { Mail, Mailer } from './mailer.js';

/**
 * Mail leaves after the response. A flow prepares its mail whether or not the
 * address has an account and hands it over here; only mail for a real
 * recipient is sent, and never while the request waits, so the answer takes
 * the same path and the same time either way (no account oracle by timing).
 */
export interface MailQueue {
  /** Sends `mail` once the current request has answered; `null` (nobody to tell) sends nothing. */
  deliver(mail: Mail | null): void;
  /** Resolves when every handed-over mail has been sent or has failed (tests, shutdown). */
  settled(): Promise<void>;
}

/**
 * @example
 * const mail = mailQueue(smtpMailer(url, from));
 * mail.deliver(codeMail(to, 'sign-in', code, 10));
 */
// A failure's message can quote the recipient or a database value: log it the way request errors are logged.
export function mailQueue(mailer: Mailer, onError: (error: unknown) => void = (e) => console.error(`[latchkey] mail not sent: ${describeErrorForLog(e)}`)): MailQueue {
  const inFlight = new Set<Promise<void>>();
  return {
    deliver(mail) {
      if (!mail) return;
      const sending: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => mailer.send(mail))
        .catch(onError)
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    },
    async settled() {
      while (inFlight.size) await Promise.all(inFlight);
    },
  };
}
