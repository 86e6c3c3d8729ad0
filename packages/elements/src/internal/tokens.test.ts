import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import { formStyles } from './form-styles.js';
// Every template that adds form rules, so formStyles() holds them all.
import './templates/code-field.js';
import './templates/password-field.js';
import './templates/username-hint.js';
import '../sign-in/steps/password.js';
import { cleanup, fakeBroker, mount, type, until } from './test-helpers.js';
import '../sign-in/sign-in.js';
import type { LkSignIn } from '../sign-in/sign-in.js';
// The token reference users read (and Storybook links to).
import readme from '../../README.md?raw';

// Every source file of the elements, as text (Vite's raw import).
const sources: Record<string, string> = import.meta.glob<string>('../**/*.ts', { query: '?raw', import: 'default', eager: true });
const docs = Object.entries(sources).filter(([path]) => /\/(sign-in|sign-up|user-button|user-profile|org-switcher)\.ts$/.test(path));
const documented = new Set(docs.flatMap(([, text]) => [...text.matchAll(/@cssproperty (--lk-[a-z0-9-]+)/g)].map((m) => m[1])));

afterEach(cleanup);

describe('design tokens', () => {
  it('documents every --lk-* token the styles read, and reads every documented one', () => {
    const styles = Object.entries(sources)
      .filter(([path]) => !path.endsWith('.test.ts'))
      .map(([, text]) => text)
      .join('\n');
    const used = new Set([...styles.matchAll(/var\((--lk-[a-z0-9-]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...documented].sort());
  });

  it('lists exactly the documented tokens in the README reference table', () => {
    const table = new Set([...readme.matchAll(/^\| `(--lk-[a-z0-9-]+)` \|/gm)].map((m) => m[1]));
    expect([...table].sort()).toEqual([...documented].sort());
  });

  it('never declares a public token on :host, so a page theme can always reach it', () => {
    for (const [path, text] of Object.entries(sources)) {
      if (path.endsWith('.test.ts')) continue;
      expect(text, path).not.toMatch(/^\s*--lk-[a-z0-9-]+\s*:/m);
    }
  });

  it('leaves no pixel value in the form styles: sizes come from tokens', () => {
    // The visually-hidden pattern is the exception: 1px, whatever the theme.
    const rules = formStyles().split('\n').filter((line) => !line.includes('clip-path:inset(50%)'));
    expect(rules.some((line) => line.includes('.lk-reveal{'))).toBe(true);
    expect(rules.filter((line) => /\d+px/.test(line))).toEqual([]);
  });
});

/** A CSS colour as the browser paints it, 0–255 sRGB. */
function rgb(color: string): [number, number, number] {
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#000';
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!];
}

/** WCAG 2.x contrast ratio. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = rgb(color).map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('contrast (WCAG 2.2 AA), whatever the page sets', () => {
  // The issue's case: a page whose dark-scheme primary (#818cf8) reaches a card set to theme="light", and the reverse.
  const pages = [
    { theme: 'light', primary: '#818cf8' },
    { theme: 'dark', primary: '#4f46e5' },
    { theme: 'light', primary: '' },
    { theme: 'dark', primary: '' },
    { theme: 'light', primary: '#f59e0b' },
  ];
  for (const page of pages) {
    it(`theme="${page.theme}" with the page's primary ${page.primary || '(none)'}: text 4.5:1, borders and focus ring 3:1`, async () => {
      const broker = fakeBroker();
      const el = await mount<LkSignIn>(
        html`<div style=${page.primary ? `--lk-color-primary: ${page.primary}` : ''}><lk-sign-in .client=${broker.client()} theme=${page.theme}></lk-sign-in></div>`,
        'lk-sign-in',
      );
      const surface = getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).backgroundColor;
      const input = el.querySelector<HTMLInputElement>('input[type="email"]')!;
      const button = el.querySelector<HTMLButtonElement>('.lk-primary')!;
      const label = el.querySelector('label')!;
      input.focus();
      const ring = getComputedStyle(input);
      const seen = {
        label: contrast(getComputedStyle(label).color, surface),
        button: contrast(getComputedStyle(button).color, getComputedStyle(button).backgroundColor),
        border: contrast(getComputedStyle(input).borderTopColor, surface),
        // A solid outline, never a translucent shadow (which forced colours also drop).
        focus: ring.outlineStyle === 'none' ? 0 : contrast(ring.outlineColor, surface),
        subtitle: contrast(getComputedStyle(el.shadowRoot!.querySelector('[part~="subtitle"]')!).color, surface),
      };
      type(input, 'ada@example.com');
      el.querySelector('form')!.requestSubmit();
      await until(() => el.querySelector('.lk-link'));
      const link = el.querySelector('.lk-link')!;
      const result = { ...seen, link: contrast(getComputedStyle(link).color, surface) };
      expect(result.label).toBeGreaterThanOrEqual(4.5);
      expect(result.subtitle).toBeGreaterThanOrEqual(4.5);
      expect(result.button).toBeGreaterThanOrEqual(4.5);
      expect(result.link).toBeGreaterThanOrEqual(4.5);
      expect(result.border).toBeGreaterThanOrEqual(3);
      expect(result.focus).toBeGreaterThanOrEqual(3);
    });
  }
});
