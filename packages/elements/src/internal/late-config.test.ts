import { describe, expect, it } from 'vitest';
import { html } from 'lit';
// Only the element: <lk-config> is defined later in this test, as on a page that loads it lazily.
import '../sign-in/sign-in.js';
import type { LkSignIn } from '../sign-in/sign-in.js';
import { fakeBroker, mount, type, until } from './test-helpers.js';

describe('an <lk-config> that upgrades after the elements inside it', () => {
  it('still gives them its client', async () => {
    expect(customElements.get('lk-config')).toBeUndefined();
    const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery staple' } });
    const config = document.createElement('lk-config') as HTMLElement & { client?: unknown };
    config.append(document.createElement('lk-sign-in'));
    document.body.append(config);
    const el = config.querySelector('lk-sign-in') as LkSignIn;
    await el.updateComplete;

    const { LkConfig } = await import('../config/config.js');
    expect(customElements.get('lk-config')).toBe(LkConfig);
    (config as InstanceType<typeof LkConfig>).client = broker.client();

    await (config as InstanceType<typeof LkConfig>).updateComplete;
    await el.updateComplete;
    type(el.querySelector<HTMLInputElement>('input[autocomplete~="username"]')!, 'ada@example.com');
    el.querySelector('form')!.requestSubmit();
    await until(() => el.querySelector('input[autocomplete~="current-password"]'));
    config.remove();
  });
});
