/**
 * Styles of the light-DOM credential forms. They are adopted on the element's
 * root node (the document or an enclosing shadow root), scoped by tag, and sit
 * in `@layer latchkey` so any rule of the page outside a layer wins. Every
 * size and colour is a private `--_*` variable the element's `:host` reads from
 * the public `--lk-*` tokens (see tokens.ts); logical properties keep RTL right.
 * Forced colours keep every state: each is drawn with borders, outlines and
 * dashes, never a shadow or a fill alone.
 */
const scope = ':is(lk-sign-in, lk-sign-up)';

export const formCss = `@layer latchkey {
${scope} .lk-form { display: grid; gap: calc(var(--_space-m) - var(--_space-xs)); margin: 0; }
${scope} .lk-field { display: grid; gap: calc(var(--_space-xs) * 1.5); }
${scope} .lk-label-row { display: flex; justify-content: space-between; align-items: center; gap: var(--_space-s); }
${scope} label { font-size: var(--_font-size-s); font-weight: 550; color: var(--_text); }
${scope} input:not([type='hidden']) {
  box-sizing: border-box; inline-size: 100%; min-block-size: var(--_input-height); padding-block: 0; padding-inline: calc(var(--_space-m) * 0.75);
  font: inherit; font-size: var(--_font-size); color: var(--_text); background: var(--_input-bg);
  border: var(--_border-width) solid var(--_input-border); border-radius: var(--_radius);
}
${scope} :is(input, button):focus-visible { outline: var(--_focus-width) solid var(--_focus); outline-offset: var(--_focus-width); }
${scope} input[aria-invalid='true'] { border-color: var(--_danger); }
${scope} input.lk-code { font-size: 1.5rem; letter-spacing: 0.5em; text-align: center; font-variant-numeric: tabular-nums; padding-inline-start: calc(var(--_space-m) * 0.75 + 0.5em); }
${scope} :is(.lk-visually-hidden, .lk-reveal > span) { position: absolute !important; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
${scope} .lk-reveal-row { position: relative; direction: ltr; }
${scope} .lk-reveal-row input { padding-inline-end: var(--_input-height); }
${scope} .lk-reveal {
  position: absolute; inset-block: 0; inset-inline-end: 0; inline-size: var(--_input-height); display: grid; place-items: center;
  color: var(--_muted); background: none; border: 0; border-radius: var(--_radius); cursor: pointer;
}
${scope} .lk-reveal svg { inline-size: 1.25em; fill: none; stroke: currentColor; stroke-width: 2; }
${scope} .lk-reveal[aria-pressed='true'] { color: var(--_primary); }
${scope} .lk-reveal[aria-pressed='true'] svg path { stroke-dasharray: 2 3; }
${scope} .lk-hint, ${scope} .lk-field-error { margin: 0; font-size: 0.8125rem; color: var(--_muted); }
${scope} .lk-field-error { color: var(--_danger); }
${scope} :is(.lk-alert, .lk-notice) {
  margin: 0; padding-block: calc(var(--_space-s) * 1.25); padding-inline: calc(var(--_space-m) * 0.75); border-radius: var(--_radius); font-size: var(--_font-size-s); line-height: 1.45;
  --_c: var(--_danger); color: var(--_c); background: color-mix(in srgb, var(--_c) 9%, transparent);
  border: var(--_border-width) solid color-mix(in srgb, var(--_c) 28%, transparent);
}
${scope} .lk-notice { --_c: var(--_success); }
${scope} :is(.lk-alert, .lk-notice):empty { display: none; }
${scope} .lk-identity {
  display: flex; align-items: center; justify-content: space-between; gap: var(--_space-s);
  padding-block: var(--_space-xs); padding-inline: calc(var(--_space-m) * 0.75) var(--_space-s);
  border: var(--_border-width) solid var(--_border); border-radius: calc(var(--_radius) * 2); font-size: 0.9rem;
}
${scope} .lk-identity > bdi { min-inline-size: 0; overflow-wrap: anywhere; }
${scope} .lk-identity > button { flex: none; white-space: nowrap; }
${scope} :is(.lk-primary, .lk-secondary) {
  display: inline-flex; align-items: center; justify-content: center; gap: var(--_space-s); min-block-size: var(--_button-height);
  inline-size: 100%; padding-block: 0; padding-inline: var(--_space-m); font: inherit; font-size: 0.9375rem; font-weight: 600;
  color: var(--_text); background: transparent; border: var(--_border-width) solid var(--_input-border); border-radius: var(--_radius); cursor: pointer;
}
${scope} .lk-primary { margin-block-start: var(--_space-xs); color: var(--_button-text); background: var(--_button-bg); border-color: transparent; }
${scope} .lk-primary:hover { background: color-mix(in oklab, var(--_button-bg) 88%, var(--_button-text)); }
${scope} .lk-primary[aria-disabled='true'] { cursor: progress; }
${scope} .lk-secondary:hover { background: color-mix(in srgb, var(--_text) 5%, transparent); }
${scope} .lk-link {
  display: inline-flex; align-items: center; min-block-size: var(--_target); min-inline-size: var(--_target); padding-block: 0; padding-inline: var(--_space-xs); margin-inline: calc(var(--_space-xs) * -1);
  font: inherit; font-size: var(--_font-size-s); font-weight: 550; color: var(--_primary); background: none; border: 0; border-radius: var(--_space-xs); cursor: pointer;
}
${scope} .lk-link:hover { text-decoration: underline; }
${scope} .lk-link:disabled { color: var(--_muted); cursor: default; text-decoration: none; }
${scope} .lk-divider { display: flex; align-items: center; gap: var(--_space-s); color: var(--_muted); font-size: 0.8125rem; }
${scope} .lk-divider::before, ${scope} .lk-divider::after { content: ''; flex: 1; border-block-start: var(--_border-width) solid var(--_border); }
${scope} .lk-links { display: flex; justify-content: center; flex-wrap: wrap; gap: var(--_space-xs) var(--_space-m); }
${scope} .lk-spinner {
  inline-size: 1em; block-size: 1em; border-radius: 50%;
  border: 0.125em solid color-mix(in srgb, currentColor 35%, transparent); border-block-start-color: currentColor;
  animation: lk-spin 700ms linear infinite;
}
@keyframes lk-spin { to { transform: rotate(1turn); } }
@media (prefers-reduced-motion: reduce) { ${scope} .lk-spinner { animation-duration: 3s; } }
@media (forced-colors: active) { ${scope} :is(input, button):focus-visible { outline-color: Highlight; } }
}`;

let sheet: CSSStyleSheet | undefined;

/**
 * Adopts the form stylesheet on `root` once. Constructable stylesheets need no
 * inline <style>, so a strict CSP (style-src 'self') is fine.
 */
export function adoptFormStyles(root: Node): void {
  if (!(root instanceof Document || root instanceof ShadowRoot)) return;
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(formCss);
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
