import { afterEach, describe, expect, it } from 'vitest';
import { ReactiveElement } from 'lit';
import { LatchkeyError, type DoneStep, type LatchkeyClient, type PasswordStep, type Step } from '@latchkey/client';
import { FlowController, type StepRequest } from './flow-controller.js';
import { FlowEngine } from './flow-engine.js';
import type { LkSignedInEvent } from '../../events/signed-in.js';
import { cleanup, until } from '../test-helpers.js';

type View = { name: 'start'; step?: undefined } | { name: 'password'; step: PasswordStep } | { name: 'done'; step: DoneStep };

const passwordStep: PasswordStep = { step: 'password', email: 'ada@example.com', methods: ['password'] };
const done: DoneStep = {
  step: 'done',
  user: { id: 'usr_1', email: 'ada@example.com', email_verified: true, name: null, created_at: '2026-11-24T12:00:00.000Z' },
  session: { id: 'ses_1', amr: ['pwd'], factors: [{ method: 'pwd', at: '2026-11-24T12:00:00.000Z' }], aal: 1, org_id: null, created_at: '2026-11-24T12:00:00.000Z', expires_at: '2026-12-24T12:00:00.000Z' },
  return_to: null,
};

/** The test element's engine chunk: the flows' engine, and its views. */
const engine = async () => ({
  FlowEngine,
  viewOf: (step: Step): View | undefined => (step.step === 'password' ? { name: 'password', step } : step.step === 'done' ? { name: 'done', step } : undefined),
});

/** A bare host: the controller, and what it told its element. */
class FlowHost extends ReactiveElement {
  readonly failures: unknown[] = [];
  readonly entered: string[] = [];
  /** Its history key; unset keeps the steps out of the history (`no-history`). */
  key?: string;
  /** What readies a view before it shows (lk-sign-in: its step's chunk); none by default. */
  ready?: (view: View) => Promise<unknown>;
  readonly flow = new FlowController<View>(this, {
    first: { name: 'start' },
    engine,
    // No broker: the requests are the test's; a `done` answer signs this store in.
    client: () => ({ connection: {}, session: { set: () => {} } }) as unknown as LatchkeyClient,
    failed: (error) => this.failures.push(error),
    entered: (view) => this.entered.push(view.name),
    historyKey: () => this.key,
    prepare: async (view) => this.ready?.(view),
  });
}
customElements.define('lk-test-flow', FlowHost);

/** A request that answers when the test says, and tells whether it was aborted. */
function heldRequest() {
  let answer!: (step: Step) => void;
  let signal: AbortSignal | undefined;
  const request: StepRequest = (_client, s) => {
    signal = s;
    return new Promise<Step>((resolve, reject) => {
      answer = resolve;
      s.addEventListener('abort', () => reject(s.reason));
    });
  };
  return { request, answer: (step: Step) => answer(step), aborted: () => signal?.aborted === true, started: () => signal !== undefined };
}

async function host() {
  const el = document.createElement('lk-test-flow') as FlowHost;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

afterEach(cleanup);

describe('FlowController', () => {
  it('shows a view only once it is readied, pending until then; one that cannot be readied fails the request and the view stays', async () => {
    const el = await host();
    let ready!: () => void;
    let fail!: (error: Error) => void;
    el.ready = (view) => (view.name === 'start' ? Promise.resolve() : new Promise<void>((resolve, reject) => ((ready = resolve), (fail = reject))));
    el.flow.submit(async () => passwordStep);
    await until(() => ready !== undefined);
    expect(el.flow.pending).toBe(true);
    expect(el.flow.view.name).toBe('start');
    ready();
    await until(() => el.flow.view.name === 'password');
    expect(el.entered).toEqual(['password']);

    el.flow.goTo({ name: 'start' });
    await until(() => el.flow.view.name === 'start');
    ready = undefined as unknown as () => void;
    el.flow.submit(async () => passwordStep);
    await until(() => ready !== undefined);
    fail(new TypeError('Failed to fetch dynamically imported module'));
    await until(() => !el.flow.pending);
    expect(el.flow.view.name).toBe('start');
    expect(el.failures).toEqual([new TypeError('Failed to fetch dynamically imported module')]);
  });

  it('keeps the form usable while a background request waits (passkey autofill, say)', async () => {
    const el = await host();
    const autofill = heldRequest();
    el.flow.runBeside('autofill', autofill.request);
    expect(el.flow.pending).toBe(false);
    el.flow.submit(async () => {
      throw new LatchkeyError('invalid_credentials', 'no');
    });
    await until(() => el.failures.length === 1);
    expect(el.flow.renderError((e) => (e as LatchkeyError).code)).toBe('invalid_credentials');
    expect(autofill.aborted()).toBe(false);
    // The background answer still takes over, and clears the form's error.
    autofill.answer(done);
    await until(() => el.flow.view.name === 'done');
    expect(el.flow.renderError(() => 'error')).toBeUndefined();
  });

  it('shows a background failure in the form and reports it once (a passkey picked from autofill that the broker refused)', async () => {
    const el = await host();
    el.flow.runBeside('autofill', async () => {
      throw new LatchkeyError('passkey_rejected', 'no');
    });
    await until(() => el.failures.length === 1);
    expect(el.flow.renderError((e) => (e as LatchkeyError).code)).toBe('passkey_rejected');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(el.failures).toHaveLength(1);
    expect(el.flow.view.name).toBe('start');
  });

  it('lets a background answer take over from a submit still on its way, which it aborts', async () => {
    const el = await host();
    const signedIn: LkSignedInEvent[] = [];
    el.addEventListener('lk-signed-in', (e) => signedIn.push(e));
    const submitted = heldRequest();
    const autofill = heldRequest();
    el.flow.runBeside('autofill', autofill.request);
    el.flow.submit(submitted.request);
    expect(el.flow.pending).toBe(true);
    autofill.answer(done);
    await until(() => el.flow.view.name === 'done');
    expect(submitted.aborted()).toBe(true);
    expect(el.flow.pending).toBe(false);
    expect(signedIn).toHaveLength(1);
    // An abort is nobody's error.
    expect(el.failures).toEqual([]);
  });

  it('stops background requests when the user moves to another step, or the element leaves the page', async () => {
    const el = await host();
    const autofill = heldRequest();
    el.flow.runBeside('autofill', autofill.request);
    el.flow.submit(async () => passwordStep);
    await until(() => el.flow.view.name === 'password');
    expect(autofill.aborted()).toBe(true);
    const again = heldRequest();
    el.flow.runBeside('autofill', again.request);
    await until(() => again.started());
    el.remove();
    expect(again.aborted()).toBe(true);
    expect(el.failures).toEqual([]);
  });

  it('sends one submit at a time', async () => {
    const el = await host();
    const first = heldRequest();
    let seconds = 0;
    el.flow.submit(first.request);
    el.flow.submit(async () => {
      seconds++;
      return done;
    });
    first.answer(passwordStep);
    await until(() => el.flow.view.name === 'password');
    expect(seconds).toBe(0);
  });

  it('fails with unsupported_step, and stays where it is, for a step the element has no view for', async () => {
    const el = await host();
    el.flow.submit(async () => ({ step: 'identifier' }));
    await until(() => el.failures.length === 1);
    expect(el.failures[0]).toMatchObject({ code: 'unsupported_step' });
    expect(el.flow.view.name).toBe('start');
    expect(el.entered).toEqual([]);
  });
});

describe('FlowController in the session history', () => {
  const secondPassword: PasswordStep = { ...passwordStep, email: 'bob@example.com' };
  /** Moves in the history and waits for the popstate the flow acts on. */
  const go = async (delta: number) => {
    const popped = new Promise((resolve) => window.addEventListener('popstate', resolve, { once: true }));
    history.go(delta);
    await popped;
  };

  it('makes each new step a history entry, so Back and Forward move between steps and the page stays', async () => {
    const el = await host();
    el.key = 'a';
    history.replaceState({ router: 'page state' }, '');
    const url = location.href;
    const entry = history.state as object;
    el.flow.submit(async () => passwordStep);
    await until(() => el.flow.view.name === 'password');
    expect(history.state).not.toBe(entry);
    // The page's own state stays beside ours, so its router still finds it.
    expect(history.state).toMatchObject({ router: 'page state', lk: { at: 1 } });

    await go(-1);
    await until(() => el.flow.view.name === 'start');
    expect(location.href).toBe(url);
    await go(1);
    await until(() => el.flow.view.name === 'password');
    expect(el.flow.view.step).toBe(passwordStep);
    expect(el.entered).toEqual(['password', 'start', 'password']);
    await go(-1);
    await until(() => el.flow.view.name === 'start');
  });

  it('drops the Forward entries when a new step follows a Back, and keeps what the user typed in the view Back shows', async () => {
    const el = await host();
    el.key = 'b';
    el.flow.amend({ name: 'start' });
    el.flow.submit(async () => passwordStep);
    await until(() => el.flow.view.name === 'password');
    await go(-1);
    await until(() => el.flow.view.name === 'start');
    el.flow.submit(async () => secondPassword);
    await until(() => el.flow.view.step === secondPassword);
    await go(-1);
    await until(() => el.flow.view.name === 'start');
    await go(1);
    await until(() => el.flow.view.name === 'password');
    expect(el.flow.view.step).toBe(secondPassword);
    await go(-1);
    await until(() => el.flow.view.name === 'start');
  });

  it('no longer changes the view after done: that flow is over', async () => {
    const el = await host();
    el.key = 'c';
    el.flow.submit(async () => passwordStep);
    await until(() => el.flow.view.name === 'password');
    const entry = history.state as object;
    el.flow.submit(async () => done);
    await until(() => el.flow.view.name === 'done');
    // done is no entry of its own: Back leaves the password step's entry.
    expect(history.state).toBe(entry);
    await go(-1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(el.flow.view.name).toBe('done');
  });

  it('adds no entry without a history key (no-history), and ignores entries of other flows', async () => {
    const el = await host();
    const entry = history.state as object;
    el.flow.submit(async () => passwordStep);
    await until(() => el.flow.view.name === 'password');
    expect(history.state).toBe(entry);

    const other = await host();
    other.key = 'other';
    other.flow.submit(async () => passwordStep);
    await until(() => other.flow.view.name === 'password');
    await go(-1);
    await until(() => other.flow.view.name === 'start');
    expect(el.flow.view.name).toBe('password');
  });
});
