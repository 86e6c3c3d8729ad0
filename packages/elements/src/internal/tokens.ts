import { css } from 'lit';

/**
 * Public `--lk-*` tokens are read here, once, into private `--_*` variables
 * with fallbacks. They are never declared on `:host`, so a page's `:root`
 * theme always reaches them. Light DOM form pieces inherit the private ones.
 */
export const tokens = css`
  :host {
    color-scheme: light dark;
    --_primary: var(--lk-color-primary, light-dark(#4f46e5, #818cf8));
    --_on-primary: var(--lk-color-on-primary, light-dark(#ffffff, #11131a));
    --_surface: var(--lk-color-surface, light-dark(#ffffff, #171a23));
    --_text: var(--lk-color-text, light-dark(#1b1e29, #e8eaf1));
    --_muted: var(--lk-color-muted, light-dark(#5d6477, #9ba2b5));
    --_border: var(--lk-color-border, light-dark(#dde1ea, #2d3242));
    --_danger: var(--lk-color-danger, light-dark(#b42318, #f97066));
    --_success: var(--lk-color-success, light-dark(#067647, #47cd89));
    --_radius: var(--lk-radius, 10px);
    --_space-s: var(--lk-space-s, 8px);
    --_space-m: var(--lk-space-m, 16px);
    --_space-l: var(--lk-space-l, 32px);
    --_font: var(--lk-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif);
    --_shadow: var(--lk-shadow, 0 1px 2px rgb(16 24 40 / 0.06), 0 12px 32px -8px rgb(16 24 40 / 0.14));
    --_focus: color-mix(in srgb, var(--_primary) 40%, transparent);
    font-family: var(--_font);
    color: var(--_text);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
`;

/** The card every flow element sits in: header, the slotted light-DOM form, footer. */
export const cardStyles = css`
  :host {
    display: block;
    max-inline-size: var(--lk-card-max-width, 400px);
  }
  [part~='base'] {
    box-sizing: border-box;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 1.4);
    box-shadow: var(--_shadow);
    padding: var(--_space-l);
    padding-block-end: var(--_space-m);
  }
  [part~='header'] {
    margin-block-end: var(--_space-m);
  }
  [part~='title'] {
    margin: 0;
    font-size: 1.375rem;
    line-height: 1.25;
    font-weight: 650;
    letter-spacing: -0.01em;
    outline: none;
  }
  [part~='subtitle'] {
    margin: 6px 0 0;
    color: var(--_muted);
    font-size: 0.9375rem;
    line-height: 1.5;
    overflow-wrap: anywhere;
  }
  [part~='footer'] {
    margin-block-start: var(--_space-m);
    padding-block-start: var(--_space-m);
    border-block-start: 1px solid var(--_border);
    color: var(--_muted);
    font-size: 0.875rem;
    text-align: center;
  }
  [part~='footer']:empty {
    display: none;
  }
  [part~='footer'] a {
    color: var(--_primary);
    font-weight: 550;
    text-decoration: none;
  }
  [part~='footer'] a:hover {
    text-decoration: underline;
  }
  [part~='footer'] a:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
    border-radius: 4px;
  }
`;
