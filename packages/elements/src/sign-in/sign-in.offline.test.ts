import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { html } from 'lit';
import './sign-in.js';
import type { LkSignIn } from './sign-in.js';
import { cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

// A step chunk lost to a dropped connection, for real: the browser's own import() fails
// (vitest.config.ts takes the chunks off the network for this file's frame), and "Try again"
// fetches it anew once the connection is back. A file of its own, so no earlier test has
// loaded the chunk already.

declare module 'vitest/browser' {
  interface BrowserCommands {
    offlineSteps(offline: boolean): Promise<void>;
  }
}

afterEach(async () => {
  cleanup();
  await commands.offlineSteps(false);
});

describe('lk-sign-in offline', () => {
  it('says the next step could not load when its chunk cannot be fetched, and shows it after "Try again" once back online', async () => {
    await commands.offlineSteps(true);
    const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery staple' } });
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    const alert = () => el.querySelector('[role="alert"]')?.textContent!.trim() ?? '';
    const heading = () => el.shadowRoot!.querySelector('[part~="title"]')!.textContent;
    type(el.querySelector('input[type="email"]')!, 'ada@example.com');
    el.querySelector('form')!.requestSubmit();
    await until(() => alert() !== '', 5000);
    expect(alert()).toBe("The next step couldn't load. Check your connection and try again.");
    expect(heading()).toBe('Sign in');

    await commands.offlineSteps(false);
    [...el.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Try again')!.click();
    await until(() => heading() === 'Enter your password', 5000);
    expect(document.querySelector('input[autocomplete~="current-password"]')).not.toBeNull();
  });
});
