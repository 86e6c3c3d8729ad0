import { expect, waitFor } from 'storybook/test';

// Credential forms are in the light DOM (Testing Library's queries reach them); the card's
// heading and the user button live in shadow roots, which these helpers read.

/** The element of the story, once it has rendered. */
export async function storyElement<T extends HTMLElement>(canvasElement: HTMLElement, tag: string): Promise<T> {
  const el = canvasElement.querySelector<T>(tag);
  await expect(el).not.toBeNull();
  await (el as T & { updateComplete?: Promise<unknown> }).updateComplete;
  return el!;
}

/** The heading a designer reads on the card (part `title`). */
export function heading(el: HTMLElement): string {
  return el.shadowRoot?.querySelector('[part~="title"]')?.textContent?.trim() ?? '';
}

/** Waits until the card shows `title`. */
export async function expectHeading(el: HTMLElement, title: string) {
  await waitFor(() => expect(heading(el)).toBe(title));
}

/** The form's live region (empty while nothing went wrong). */
export function alertText(el: HTMLElement): string {
  return el.querySelector('[role="alert"]')?.textContent?.trim() ?? '';
}

/** Waits until the live region says `text` (a string or a pattern). */
export async function expectAlert(el: HTMLElement, text: string | RegExp) {
  await waitFor(() => (typeof text === 'string' ? expect(alertText(el)).toBe(text) : expect(alertText(el)).toMatch(text)));
}

/** The error shown under a field: the `…-error` node its aria-describedby points to. */
export function fieldError(input: HTMLInputElement): string {
  const ids = input.getAttribute('aria-describedby')?.split(/\s+/) ?? [];
  return ids
    .filter((id) => id.endsWith('-error'))
    .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
    .join(' ');
}

/** All the text of the element's light-DOM form, spaces collapsed: alerts, field errors, hints. */
export function formText(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Waits until the form says `text`, wherever the element puts it (the form's alert or the
 * field's own error): the story checks what the user reads, not where.
 */
export async function expectMessage(el: HTMLElement, text: string | RegExp) {
  await waitFor(() => expect(formText(el)).toMatch(text));
}
