import { afterEach, describe, expect, it } from 'vitest';
import { ReactiveElement } from 'lit';
import { LatchkeyError, type DoneStep, type LatchkeyClient, type PasswordStep, type Step } from '@latchkey/client';
import { FlowController, type StepRequest } from './flow-controller.js';
import type { LkSignedInEvent } from '../../events/signed-in.js';
import { cleanup, until } from '../test-helpers.js';

type View = { name: 'start'; step?: undefined } | { name: 'password'; step: PasswordStep } | { name: 'done'; step: DoneStep };

const passwordStep: PasswordStep = { step: 'password', email: 'ada@example.com', methods: ['password'] };
const done: DoneStep = {
  step: 'done',
  user: { id: 'usr_1', email: 'ada@example.com', email_verified: true, name: null, created_at: '2026-11-24T12:00:00.000Z' },
  session: { id: 'ses_1', amr: ['pwd'], created_at: '2026-11-24T12:00:00.000Z', expires_at: '2026-12-24T12:00:00.000Z' },
  return_to: null,
};

/** A bare host: the controller, and what it told its element. */
class FlowHost extends ReactiveElement {
  readonly failures: unknown[] = [];
  readonly entered: string[] = [];
  readonly flow = new FlowController<View>(this, {
    first: { name: 'start' },
    viewOf: (step: Step) => (step.step === 'password' ? { name: 'password', step } : step.step === 'done' ? { name: 'done', step } : undefined),
    client: () => ({}) as LatchkeyClient,
    failed: (error) => this.failures.push(error),
    entered: (view) => this.entered.push(view.name),
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
