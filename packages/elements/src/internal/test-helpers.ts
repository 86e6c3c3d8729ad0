import { render, type TemplateResult } from 'lit';
import type { SessionClient } from '@latchkey/client';
import axe from 'axe-core';
import { FakeBroker, type FakeBrokerOptions } from '@latchkey/testing';

/** Renders a template into a fresh container on the page and waits for the elements inside to settle. */
export async function mount<T extends Element>(template: TemplateResult, selector: string): Promise<T> {
  const container = document.createElement('div');
  document.body.append(container);
  render(template, container);
  const element = container.querySelector(selector) as T & { updateComplete?: Promise<unknown> };
  await element.updateComplete;
  return element;
}

/**
 * Waits until `check` passes (elements update asynchronously after requests).
 * 5 s, not less: in CI the browser shares two cores with the broker's suites, and a
 * lazily loaded chunk (the error messages) once took longer than 2 s to arrive.
 */
export async function until(check: () => unknown, timeout = 5000): Promise<void> {
  const deadline = performance.now() + timeout;
  let lastError: unknown;
  while (performance.now() < deadline) {
    try {
      // A check passes by not throwing and returning nothing, or by returning something truthy.
      const result = check();
      if (result === undefined || result) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw lastError ?? new Error('condition not met in time');
}

/** Types into a light-DOM input the way a user does, then submits its form. */
export function type(input: HTMLInputElement, value: string) {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export function fakeBroker(options: FakeBrokerOptions = {}) {
  return new FakeBroker(options);
}

/** The axe-core violations on `root` (WCAG 2.x A and AA). */
export async function axeViolations(root: Element) {
  const result = await axe.run(root, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export function cleanup() {
  document.body.replaceChildren();
}

/**
 * The JSON bodies an element sends to `path` through `client` from now on. Elements call the
 * client's standalone functions on `client.connection`, so this listens at the connection's fetch.
 */
export function bodiesSentTo(client: SessionClient, path: string): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  const conn = client.connection as { fetch: typeof fetch };
  const next = conn.fetch;
  conn.fetch = (input, init) => {
    if (new URL(String(input)).pathname.endsWith(path) && typeof init?.body === 'string') seen.push(JSON.parse(init.body) as Record<string, unknown>);
    return next(input, init);
  };
  return seen;
}
