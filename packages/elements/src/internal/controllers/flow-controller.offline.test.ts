import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReactiveElement } from 'lit';
import { LatchkeyError, type LatchkeyClient, type PasswordStep, type Step } from '@latchkey/client';
import { FlowController } from './flow-controller.js';
import { cleanup, until } from '../test-helpers.js';

// The flow's engine is a chunk of its own; here it cannot be fetched (a dropped connection
// before the page was idle). A file of its own, so no earlier test has loaded the engine.
vi.mock('./flow-engine.js', () => ({
  get FlowEngine() {
    throw new TypeError('Failed to fetch dynamically imported module');
  },
}));

type View = { name: 'start'; step?: undefined } | { name: 'password'; step: PasswordStep };

/** The test element's engine chunk, which cannot be fetched. */
const engine = () =>
  import('./flow-engine.js').then(({ FlowEngine }) => ({
    FlowEngine,
    viewOf: (step: Step): View | undefined => (step.step === 'password' ? { name: 'password', step } : undefined),
  }));

class OfflineHost extends ReactiveElement {
  readonly failures: unknown[] = [];
  explained = 0;
  readonly flow = new FlowController<View>(this, {
    first: { name: 'start' },
    engine,
    client: () => ({ connection: {}, session: { set: () => {} } }) as unknown as LatchkeyClient,
    failed: (error) => this.failures.push(error),
    explain: async () => void this.explained++,
    entered: () => {},
    historyKey: () => undefined,
  });
}
customElements.define('lk-offline-flow', OfflineHost);

afterEach(cleanup);

describe('FlowController without its engine', () => {
  it('keeps a submit pending while the engine loads, then fails it as an unreachable broker does; a background request ends quietly', async () => {
    const el = document.createElement('lk-offline-flow') as OfflineHost;
    document.body.append(el);
    await el.updateComplete;
    let sent = false;
    el.flow.runBeside('autofill', async () => ((sent = true), { step: 'identifier' }));
    el.flow.submit(async () => ((sent = true), { step: 'password', email: 'ada@example.com', methods: ['password'] }));
    expect(el.flow.pending).toBe(true);
    expect(el.flow.states).toEqual(['step-start', 'loading']);
    await until(() => el.failures.length === 1);
    expect(el.failures[0]).toBeInstanceOf(LatchkeyError);
    expect(el.failures[0]).toMatchObject({ code: 'network_error' });
    expect(el.explained).toBe(1);
    expect(el.flow.pending).toBe(false);
    expect(el.flow.renderError((e) => (e as LatchkeyError).code)).toBe('network_error');
    expect(el.flow.view.name).toBe('start');
    expect(sent).toBe(false);

    // The next submit tries again (and clears the last failure while it waits).
    el.flow.submit(async () => ((sent = true), { step: 'password', email: 'ada@example.com', methods: ['password'] }));
    expect(el.flow.renderError(() => 'error')).toBeUndefined();
    await until(() => el.failures.length === 2);
    expect(sent).toBe(false);
  });
});
