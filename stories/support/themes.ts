/**
 * The theme toolbar: light and dark, and two brands made only of public `--lk-*` tokens set
 * on the page around the element (how a product team themes it), each on a light or dark base.
 */
export const themes: Record<string, { base: 'light' | 'dark'; tokens?: string }> = {
  light: { base: 'light' },
  dark: { base: 'dark' },
  harbor: {
    base: 'light',
    tokens:
      "--lk-color-primary: #0b5d47; --lk-color-on-primary: #ffffff; --lk-radius: 4px; --lk-font-family: Georgia, 'Noto Serif', serif;",
  },
  ember: {
    base: 'dark',
    tokens: '--lk-color-primary: #ffb547; --lk-color-on-primary: #1f1300; --lk-color-surface: #1d1712; --lk-radius: 18px;',
  },
};

/** The `theme` attribute for the story's element: a brand theme sits on a light or dark base. */
export function elementTheme(globals: Record<string, unknown>): 'light' | 'dark' {
  return themes[String(globals.theme)]?.base ?? 'light';
}
