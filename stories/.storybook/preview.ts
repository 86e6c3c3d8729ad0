import { html } from 'lit';
import { setCustomElementsManifest, type Decorator, type Preview } from '@storybook/web-components-vite';
import { configure } from 'storybook/test';
import manifest from './generated/custom-elements.json';

setCustomElementsManifest(manifest);

// A failed query or waitFor says what it expected; the whole page's DOM after it (Testing
// Library's default) buries that in CI logs.
configure({ getElementError: (message) => Object.assign(new Error(message ?? ''), { name: 'TestingLibraryElementError' }) });

/** The locales the elements ship (a toolbar global; see README "Storybook"). */
const locales = [{ value: 'en', title: 'English', right: 'en' }];

/**
 * Theme and text direction from the toolbar. The page behind the card takes the theme's
 * colours, and each Latchkey element in the story gets `theme` (see `withTheme`).
 */
const page: Decorator = (story, { globals }) => {
  const dark = globals.theme === 'dark';
  return html`<div
    class="lk-story"
    dir=${globals.dir ?? 'ltr'}
    lang=${globals.locale ?? 'en'}
    style="padding: 32px; color-scheme: ${dark ? 'dark' : 'light'}; background: ${dark ? '#0b0d12' : '#f5f6f9'}; color: ${dark ? '#e8eaf1' : '#1b1e29'}; font-family: system-ui, sans-serif;"
  >
    ${story()}
  </div>`;
};

const preview: Preview = {
  decorators: [page],
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
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en', dir: 'ltr' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    // Every story is checked by axe-core after its play function; a violation fails its test.
    a11y: { test: 'error' },
  },
  tags: ['autodocs'],
};

export default preview;
