import { afterEach, describe, expect, it } from 'vitest';
import type { SessionClient } from '@latchkey/client';
import './config.js';
import type { LkConfig } from './config.js';
import { requestClient, type ProvidedClient } from '../internal/context.js';
import { cleanup } from '../internal/test-helpers.js';

// <lk-config> answers the context protocol's request itself (no @lit/context provider):
// what an element inside is told, and when.

afterEach(cleanup);

/** A stand-in client: the provider passes it on as it is. */
const client = (name: string) => ({ name }) as unknown as SessionClient;

/** An element that asks as the Latchkey elements do, and keeps every answer and unsubscribe it got. */
function consumer(parent: Element) {
  const element = document.createElement('div');
  parent.append(element);
  const seen: ProvidedClient[] = [];
  const unsubscribes: Array<(() => void) | undefined> = [];
  const callback = (provided: ProvidedClient, unsubscribe?: () => void) => {
    seen.push(provided);
    unsubscribes.push(unsubscribe);
  };
  return { element, seen, unsubscribes, ask: () => requestClient(element, callback) };
}

async function config(parent: Element, value: SessionClient) {
  const element = document.createElement('lk-config') as LkConfig;
  element.client = value;
  parent.append(element);
  await element.updateComplete;
  return element;
}

describe('<lk-config> as the client provider', () => {
  it('gives an element inside its client now and every new one, with one unsubscribe throughout', async () => {
    const a = client('a');
    const outer = await config(document.body, a);
    const inside = consumer(outer);
    inside.ask();
    expect(inside.seen).toEqual([a]);

    const b = client('b');
    outer.client = b;
    await outer.updateComplete;
    expect(inside.seen).toEqual([a, b]);
    // The same unsubscribe each time: an element tells a new provider by a new one.
    expect(inside.unsubscribes[1]).toBe(inside.unsubscribes[0]);

    // Asking again (reconnected) does not subscribe twice.
    inside.ask();
    outer.client = client('c');
    await outer.updateComplete;
    expect(inside.seen.map((c) => (c as unknown as { name: string }).name)).toEqual(['a', 'b', 'b', 'c']);

    inside.unsubscribes[0]!();
    outer.client = client('d');
    await outer.updateComplete;
    expect(inside.seen).toHaveLength(4);
  });

  it('answers from the nearest <lk-config>, and not at all an element outside', async () => {
    const [first, second] = [client('inner'), client('inner 2')];
    const outer = await config(document.body, client('outer'));
    const inner = await config(outer, first);
    const nested = consumer(inner);
    nested.ask();
    inner.client = second;
    outer.client = client('outer 2');
    await Promise.all([inner.updateComplete, outer.updateComplete]);
    expect(nested.seen).toEqual([first, second]);

    const outside = consumer(document.body);
    outside.ask();
    expect(outside.seen).toEqual([]);
  });
});
