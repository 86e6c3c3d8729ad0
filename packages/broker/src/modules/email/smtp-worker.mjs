// @ts-check
// The SMTP side of `smtpMailer` (mailer.ts), in a worker thread: nodemailer's MIME
// building, TLS handshakes and SMTP dialogue run here, never on the event loop that
// serves the broker's requests, where their time would tell which addresses got mail.
// Plain JavaScript: a worker loads its file outside tsx's and Vitest's TypeScript transforms.
import { parentPort, workerData } from 'node:worker_threads';
import nodemailer from 'nodemailer';

/** @type {{ url: string, from: string }} */
const { url, from } = workerData;
const transport = nodemailer.createTransport(url);

parentPort?.on('message', (/** @type {{ id: number, mail: { to: string, subject: string, text: string } }} */ { id, mail }) => {
  transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text }).then(
    () => parentPort?.postMessage({ id }),
    (/** @type {Error & { code?: unknown }} */ error) =>
      parentPort?.postMessage({ id, error: { message: String(error?.message ?? error), code: typeof error?.code === 'string' ? error.code : undefined } }),
  );
});
