import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, within } from 'storybook/test';
import readme from '../packages/elements/README.md?raw';

/** The rows of the token table under "## Design tokens" in packages/elements/README.md, so the page never drifts from it. */
function tokenRows(markdown: string): string[][] {
  const section = markdown.split(/^## Design tokens$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `--lk-'))
    .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
}

/** Inline `code` spans of a README cell as <code>, the rest as text. */
const cell = (text: string) => text.split(/`([^`]*)`/).map((part, i) => (i % 2 ? html`<code>${part}</code>` : part));

const meta = {
  title: 'Design tokens',
  // A reference page, not an element state: checked for its rows, by axe, and by its screenshot.
  tags: ['!autodocs'],
  render: () => html`<section style="max-inline-size: 900px; font: 14px/1.5 system-ui, sans-serif;">
    <h1 style="font-size: 1.4rem;">Design tokens</h1>
    <p>
      Set any of these on <code>:root</code> (or any ancestor) to theme every element. They are stable: renaming or removing one is
      a breaking change. Defaults are light / dark; the scheme follows <code>theme</code>, else the page's <code>color-scheme</code> /
      <code>prefers-color-scheme</code>. Source: <code>packages/elements/README.md</code>.
    </p>
    <table style="border-collapse: collapse; inline-size: 100%;">
      <thead>
        <tr>${['Token', 'Default (light / dark)', 'What it styles'].map((h) => html`<th scope="col" style="text-align: start; padding: 6px; border-block-end: 2px solid currentColor;">${h}</th>`)}</tr>
      </thead>
      <tbody>
        ${tokenRows(readme).map(
          (row) => html`<tr>${row.map((text) => html`<td style="padding: 6px; border-block-end: 1px solid #767d8f; vertical-align: top;">${cell(text)}</td>`)}</tr>`,
        )}
      </tbody>
    </table>
  </section>`,
} satisfies Meta;

export default meta;

/** Every public `--lk-*` token, its light / dark default and what it styles. */
export const Reference: StoryObj = {
  play: async ({ canvasElement }) => {
    const rows = within(canvasElement).getAllByRole('row').slice(1);
    expect(rows.length).toBe(tokenRows(readme).length);
    expect(rows.length).toBeGreaterThanOrEqual(29);
    expect(rows.every((row) => row.textContent!.trim().startsWith('--lk-'))).toBe(true);
  },
};
