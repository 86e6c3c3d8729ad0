import { html } from 'lit';
import { setCustomElementsManifest, type Decorator, type Loader, type Preview } from '@storybook/web-components-vite';
import { configure } from 'storybook/test';
import { setLocale } from '@latchkey/elements';
import manifest from './generated/custom-elements.json';

setCustomElementsManifest(manifest);

// A failed query or waitFor says what it expected; the whole page's DOM after it (Testing
// Library's default) buries that in CI logs.
configure({ getElementError: (message) => Object.assign(new Error(message ?? ''), { name: 'TestingLibraryElementError' }) });

/** The locales the elements ship (packages/elements/src/locales/locale-codes.ts), right to left ones marked. */
const locales = [
  { value: 'en', title: 'English', right: 'en' },
  { value: 'de', title: 'Deutsch', right: 'de' },
  { value: 'ar', title: 'العربية', right: 'ar · rtl', rtl: true },
];

/**
 * The elements' language, through their own `@lit/localize` setup (`setLocale`, page-wide).
 * A loader, so a story renders once its messages are loaded; it runs for every story, so
 * one story's language never leaks into the next on the same page.
 */
const withLocale: Loader = async ({ globals }) => {
  await setLocale(globals.locale ?? 'en');
  return {};
};

/** `auto` follows the locale (Arabic is right to left); `ltr` and `rtl` force one. */
function direction(globals: Record<string, unknown>): 'ltr' | 'rtl' {
  if (globals.dir === 'ltr' || globals.dir === 'rtl') return globals.dir;
  return locales.find((l) => l.value === globals.locale)?.rtl ? 'rtl' : 'ltr';
}

/**
 * Theme and text direction from the toolbar. The page behind the card takes the theme's
 * colours; each story's render passes `theme` to its Latchkey element.
 */
const page: Decorator = (story, { globals, viewMode }) => {
  const dark = globals.theme === 'dark';
  // A story alone fills the canvas with the theme's page colour; on a docs page each is a block.
  const fill = viewMode === 'story' ? 'min-block-size: 100vh; box-sizing: border-box;' : '';
  return html`<div
    class="lk-story"
    dir=${direction(globals)}
    lang=${globals.locale ?? 'en'}
    style="${fill} padding: 32px; color-scheme: ${dark ? 'dark' : 'light'}; background: ${dark ? '#0b0d12' : '#f5f6f9'}; color: ${dark ? '#e8eaf1' : '#1b1e29'}; font-family: system-ui, sans-serif;"
  >
    ${story()}
  </div>`;
};

const preview: Preview = {
  decorators: [page],
  loaders: [withLocale],
  globalTypes: {
    theme: {
      description: 'Colour theme of the elements',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Language of the elements',
      toolbar: { title: 'Locale', icon: 'globe', items: locales, dynamicTitle: true },
    },
    dir: {
      description: 'Text direction of the page',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'auto', title: 'From the locale' },
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en', dir: 'auto' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    // Every story is checked by axe-core after its play function; a violation fails its test.
    a11y: { test: 'error' },
  },
  tags: ['autodocs'],
};

export default preview;
