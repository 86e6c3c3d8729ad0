import net, { type AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { smtpMailer } from './mailer.js';
import { codeMail } from './messages.js';

describe('SMTP mailer', () => {
  const received: Array<{ from: string; to: string[]; data: string }> = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    // A real SMTP server on loopback: the mailer speaks the protocol, not a mock of it.
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers a code mail to the recipient from the configured sender', async () => {
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}?ignoreTLS=true`, 'Acme <no-reply@acme.test>');
    await mailer.send(codeMail('ada@example.com', 'sign-in', '424242', 10));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'no-reply@acme.test', to: ['ada@example.com'] });
    // The code travels in the body only: a subject shows on lock screens.
    expect(received[0]!.data).toMatch(/^Subject: Your sign-in code\r?$/m);
    expect(received[0]!.data).toContain('    424242');
    expect(received[0]!.data.match(/424242/g)).toHaveLength(1);
  });

  it('speaks SMTP from a worker thread: the loop that serves requests opens no connection and builds no message', async () => {
    const transports = vi.spyOn(nodemailer, 'createTransport');
    const connects = vi.spyOn(net.Socket.prototype, 'connect');
    try {
      const mailer = smtpMailer(`smtp://127.0.0.1:${port}?ignoreTLS=true`, 'Acme <no-reply@acme.test>');
      await mailer.send(codeMail('bo@example.com', 'password-reset', '515151', 10));
      expect(received.some((m) => m.to.includes('bo@example.com'))).toBe(true);
      expect(transports).not.toHaveBeenCalled();
      expect(connects).not.toHaveBeenCalled();
    } finally {
      transports.mockRestore();
      connects.mockRestore();
    }
  });

  it('rejects each send the server never took, for the mail queue to log', async () => {
    const refused = smtpMailer('smtp://127.0.0.1:9?ignoreTLS=true', 'Acme <no-reply@acme.test>');
    await expect(refused.send(codeMail('ada@example.com', 'sign-in', '424242', 10))).rejects.toMatchObject({ code: expect.any(String) });
    await expect(refused.send(codeMail('ada@example.com', 'sign-in', '424242', 10))).rejects.toThrow();
  });
});
