import nodemailer from 'nodemailer';
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
 * `send` hands the message over and returns at once: a request that mails
 * (a known address) must take as long as one that does not (an unknown one),
 * or response times would tell who has an account. Failures are logged.
 *
 * @example
 * createBroker({ ..., mailer: smtpMailer('smtps://user:pass@smtp.example.com', 'Acme <no-reply@acme.test>') });
 */
export function smtpMailer(url: string, from: string, onError: (error: unknown) => void = (e) => console.error('[latchkey] mail not sent:', e)): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text }).catch(onError);
    },
  };
}
