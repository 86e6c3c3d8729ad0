import { randomInt } from 'node:crypto';
import { describeErrorForLog } from '../../http/problem.js';
import type { Mail, Mailer } from './mailer.js';

/**
 * Mail leaves well after the response, at a moment nobody can predict. A flow
 * prepares its mail whether or not the address has an account and hands it
 * over here — a mail, or `null` for nobody to tell — and the hand-over does
 * the same work either way: one job queued, its timer set.
 *
 * Why not send right after answering: sending (the dev outbox's insert, in
 * process on PGlite; nodemailer's MIME and TLS work) runs on the event loop
 * that serves the next request, so a `GET /health` sent just after the answer
 * was 0.2–0.5 ms slower when the address had an account (`timing.hostile.test.ts`).
 * Here each job waits a random 0.1–1.1 s, so sending lands on no moment an
 * attacker can aim a request at, among other people's mail, and a job for
 * nobody is simply dropped when its time comes. (A drain at fixed ticks would
 * be such a moment: poll just after the tick that follows your request.)
 * What remains: the sending
 * itself still costs the loop its time (SMTP's part is small, see `smtpMailer`),
 * and an attacker who floods the broker for a second after each request could in
 * principle find that one stall among every other request's noise, a few
 * times per address before `mailPerAccount` stops them.
 */
export interface MailQueue {
  /** Queues `mail` to leave after a random delay; `null` (nobody to tell) queues a job that sends nothing. */
  deliver(mail: Mail | null): void;
  /** Sends every queued mail now and resolves when each has been sent or has failed (tests, shutdown). */
  settled(): Promise<void>;
  /**
   * Jobs waiting or being sent (the `latchkey_mail_queue_depth` gauge). The jobs for
   * nobody count too until their time comes, so the figure tells no more than the
   * timing does about whether an address has an account.
   */
  depth(): number;
}

export interface MailQueueOptions {
  /** Each job waits at least this long after its request (ms)… */
  minDelayMs?: number;
  /** …plus a uniformly random part up to this (ms). */
  spreadMs?: number;
  onError?: (error: unknown) => void;
}

interface Job {
  mail: Mail | null;
  due: number;
}

/**
 * @example
 * const mail = mailQueue(smtpMailer(url, from));
 * mail.deliver(codeMail(to, 'sign-in', code, 10));
 */
export function mailQueue(mailer: Mailer, options: MailQueueOptions = {}): MailQueue {
  const { minDelayMs = 100, spreadMs = 1000 } = options;
  // A failure's message can quote the recipient or a database value: log it the way request errors are logged.
  const onError = options.onError ?? ((e: unknown) => console.error(`[latchkey] mail not sent: ${describeErrorForLog(e)}`));
  const queued: Job[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Infinity;

  function send(mail: Mail) {
    const sending: Promise<void> = (async () => mailer.send(mail))()
      .catch(onError)
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }

  /** Sends the jobs due by `until` (all of them with Infinity) in the order they came, then waits for the next. */
  function drain(until: number) {
    clearTimeout(timer);
    timer = undefined;
    timerDue = Infinity;
    const due = queued.filter((job) => job.due <= until);
    queued.splice(0, queued.length, ...queued.filter((job) => job.due > until));
    for (const job of due) if (job.mail) send(job.mail);
    for (const job of queued) schedule(job.due);
  }

  function schedule(due: number) {
    if (due >= timerDue) return;
    clearTimeout(timer);
    timerDue = due;
    // unref: a queued mail never keeps the process alive; shutdown calls settled().
    timer = setTimeout(() => drain(performance.now()), Math.max(0, due - performance.now())).unref();
  }

  return {
    deliver(mail) {
      const due = performance.now() + minDelayMs + randomInt(spreadMs + 1);
      queued.push({ mail, due });
      schedule(due);
    },
    async settled() {
      do {
        drain(Infinity);
        await Promise.all(inFlight);
      } while (queued.length || inFlight.size);
    },
    depth: () => queued.length + inFlight.size,
  };
}
