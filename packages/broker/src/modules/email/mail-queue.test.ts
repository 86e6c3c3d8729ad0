import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mailQueue } from './mail-queue.js';
import type { Mail, Mailer } from './mailer.js';

const mailTo = (to: string): Mail => ({ to, subject: 'Your sign-in code', text: '    424242' });

/** A mailer that records what it was asked to send, failing for `fail`. */
function recordingMailer(fail?: string) {
  const sent: string[] = [];
  const mailer: Mailer = {
    async send(mail) {
      if (mail.to === fail) throw new Error('refused');
      sent.push(mail.to);
    },
  };
  return { sent, mailer };
}

describe('mail queue', () => {
  it('sends nothing on the turns right after the answer, where the next request would pay for it', async () => {
    const { sent, mailer } = recordingMailer();
    const queue = mailQueue(mailer, { minDelayMs: 40, spreadMs: 20 });
    queue.deliver(mailTo('ada@example.com'));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await sleep(10);
    expect(sent).toEqual([]);
    await sleep(100);
    expect(sent).toEqual(['ada@example.com']);
  });

  it('spreads the moments mail leaves, so a request cannot be aimed at one', async () => {
    const left: number[] = [];
    const start = performance.now();
    const queue = mailQueue({ send: async () => void left.push(performance.now() - start) }, { minDelayMs: 10, spreadMs: 200 });
    for (let i = 0; i < 20; i++) queue.deliver(mailTo(`user${i}@example.com`));
    await sleep(300);
    expect(left).toHaveLength(20);
    expect(Math.min(...left)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...left) - Math.min(...left)).toBeGreaterThan(50);
  });

  it('drops a job for nobody to tell when its time comes', async () => {
    const { sent, mailer } = recordingMailer();
    const queue = mailQueue(mailer, { minDelayMs: 0, spreadMs: 5 });
    queue.deliver(null);
    queue.deliver(mailTo('ada@example.com'));
    await sleep(50);
    expect(sent).toEqual(['ada@example.com']);
  });

  it('sends everything queued at once when asked to settle, in the order it came (tests, shutdown)', async () => {
    const { sent, mailer } = recordingMailer();
    const queue = mailQueue(mailer, { minDelayMs: 60_000, spreadMs: 60_000 });
    for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) queue.deliver(mailTo(to));
    queue.deliver(null);
    await queue.settled();
    expect(sent).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('reports a mail that fails and still sends the others', async () => {
    const { sent, mailer } = recordingMailer('bad@example.com');
    const errors: unknown[] = [];
    const queue = mailQueue(mailer, { onError: (e) => errors.push(e) });
    queue.deliver(mailTo('bad@example.com'));
    queue.deliver(mailTo('ada@example.com'));
    await queue.settled();
    expect(sent).toEqual(['ada@example.com']);
    expect(errors).toEqual([new Error('refused')]);
  });
});
