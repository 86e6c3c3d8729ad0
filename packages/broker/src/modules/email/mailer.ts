import { Worker } from 'node:worker_threads';
import { insertOutboxMessage } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';
import { randomId } from '../../random.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Where mail goes. SMTP in production, the database outbox in dev. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Keeps mail in the database instead of sending it; read it at GET /dev/outbox.
 *
 * @example
 * createBroker({ ..., mailer: outboxMailer(storage, () => new Date()) });
 */
export function outboxMailer(db: Db, clock: () => Date): Mailer {
  return {
    async send(mail) {
      await insertOutboxMessage(db, { id: randomId('msg'), ...mail, createdAt: clock() });
    },
  };
}

/**
 * Sends mail through an SMTP server (nodemailer), e.g. `smtps://user:pass@smtp.example.com`.
 *
 * nodemailer runs in a worker thread (`smtp-worker.mjs`): building the message,
 * the TLS handshake and the SMTP dialogue would otherwise take the event loop
 * from the requests that follow, and their time would tell which addresses got
 * mail. Here the loop only posts the message. `send` resolves once the server
 * has taken the mail and rejects with its refusal, so shutdown can wait for mail
 * in flight; the mail queue calls it well after the request (mail-queue.ts).
 *
 * @example
 * createBroker({ ..., mailer: smtpMailer('smtps://user:pass@smtp.example.com', 'Acme <no-reply@acme.test>') });
 */
export function smtpMailer(url: string, from: string): Mailer {
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let sent = 0;
  let worker: Worker | undefined;

  function failAll(error: Error) {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  }

  // Started with the mailer, not on the first mail, so no request pays for the start-up;
  // started again if it ever dies. It holds the process open only while mail is in flight.
  function start() {
    const started = new Worker(new URL('./smtp-worker.mjs', import.meta.url), { workerData: { url, from } });
    started.unref();
    started.on('message', ({ id, error }: { id: number; error?: { message: string; code?: string } }) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (!pending.size) started.unref();
      if (!error) return waiting?.resolve();
      waiting?.reject(Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
    });
    started.on('error', failAll);
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new Error('the SMTP worker stopped'));
    });
    return started;
  }
  worker = start();

  return {
    send(mail) {
      const to = (worker ??= start());
      return new Promise<void>((resolve, reject) => {
        const id = ++sent;
        pending.set(id, { resolve, reject });
        to.ref();
        to.postMessage({ id, mail: { to: mail.to, subject: mail.subject, text: mail.text } });
      });
    },
  };
}
