/**
 * Styles of the light-DOM credential forms. They are adopted on the element's
 * root node (the document or an enclosing shadow root), scoped by tag, and sit
 * in `@layer latchkey` so any rule of the page outside a layer wins.
 */
const scope = ':is(lk-sign-in, lk-sign-up)';

export const formCss = `@layer latchkey {
${scope} .lk-form { display: grid; gap: 14px; margin: 0; }
${scope} .lk-field { display: grid; gap: 6px; }
${scope} .lk-label-row { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
${scope} label { font-size: 0.875rem; font-weight: 550; color: var(--_text); }
${scope} input:not([type='hidden']) {
  box-sizing: border-box; inline-size: 100%; min-block-size: 44px; padding: 10px 12px;
  font: inherit; font-size: 1rem; color: var(--_text); background: var(--_surface);
  border: 1px solid var(--_border); border-radius: var(--_radius);
  transition: border-color 120ms, box-shadow 120ms;
}
${scope} input::placeholder { color: var(--_muted); opacity: 0.7; }
${scope} input:hover { border-color: color-mix(in srgb, var(--_primary) 35%, var(--_border)); }
${scope} input:focus-visible { outline: none; border-color: var(--_primary); box-shadow: 0 0 0 3px var(--_focus); }
${scope} input[aria-invalid='true'] { border-color: var(--_danger); }
${scope} input[aria-invalid='true']:focus-visible { box-shadow: 0 0 0 3px color-mix(in srgb, var(--_danger) 30%, transparent); }
${scope} input.lk-code { font-size: 1.5rem; letter-spacing: 0.5em; text-align: center; font-variant-numeric: tabular-nums; padding-inline-start: calc(12px + 0.5em); }
${scope} .lk-visually-hidden { position: absolute !important; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
${scope} .lk-hint { margin: 0; font-size: 0.8125rem; color: var(--_muted); }
${scope} .lk-field-error { margin: 0; font-size: 0.8125rem; color: var(--_danger); }
${scope} .lk-alert {
  margin: 0; padding: 10px 12px; border-radius: var(--_radius); font-size: 0.875rem; line-height: 1.45;
  color: var(--_danger); background: color-mix(in srgb, var(--_danger) 9%, transparent);
  border: 1px solid color-mix(in srgb, var(--_danger) 28%, transparent);
}
${scope} .lk-alert:empty { display: none; }
${scope} .lk-notice {
  margin: 0; padding: 10px 12px; border-radius: var(--_radius); font-size: 0.875rem;
  color: var(--_success); background: color-mix(in srgb, var(--_success) 10%, transparent);
  border: 1px solid color-mix(in srgb, var(--_success) 28%, transparent);
}
${scope} .lk-identity {
  display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 8px 8px 8px 12px;
  border: 1px solid var(--_border); border-radius: 999px; font-size: 0.9rem; overflow-wrap: anywhere;
}
${scope} .lk-primary {
  display: inline-flex; align-items: center; justify-content: center; gap: 8px; min-block-size: 44px;
  inline-size: 100%; padding: 10px 16px; margin-block-start: 4px;
  font: inherit; font-size: 0.9375rem; font-weight: 600; color: var(--_on-primary); background: var(--_primary);
  border: 1px solid transparent; border-radius: var(--_radius); cursor: pointer;
  transition: filter 120ms, box-shadow 120ms;
}
${scope} .lk-primary:hover { filter: brightness(1.08); }
${scope} .lk-primary:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--_focus); }
${scope} .lk-primary[aria-disabled='true'] { cursor: progress; filter: saturate(0.7) opacity(0.85); }
${scope} .lk-secondary {
  inline-size: 100%; min-block-size: 44px; padding: 10px 16px; font: inherit; font-size: 0.9375rem; font-weight: 550;
  color: var(--_text); background: transparent; border: 1px solid var(--_border); border-radius: var(--_radius); cursor: pointer;
}
${scope} .lk-secondary:hover { background: color-mix(in srgb, var(--_text) 5%, transparent); }
${scope} .lk-secondary:focus-visible { outline: none; box-shadow: 0 0 0 3px var(--_focus); }
${scope} .lk-link {
  padding: 2px 4px; margin: -2px -4px; font: inherit; font-size: 0.875rem; font-weight: 550;
  color: var(--_primary); background: none; border: 0; border-radius: 4px; cursor: pointer;
}
${scope} .lk-link:hover { text-decoration: underline; }
${scope} .lk-link:focus-visible { outline: 3px solid var(--_focus); outline-offset: 1px; }
${scope} .lk-link:disabled { color: var(--_muted); cursor: default; text-decoration: none; }
${scope} .lk-divider { display: flex; align-items: center; gap: 10px; color: var(--_muted); font-size: 0.8125rem; }
${scope} .lk-divider::before, ${scope} .lk-divider::after { content: ''; flex: 1; border-block-start: 1px solid var(--_border); }
${scope} .lk-links { display: flex; justify-content: center; flex-wrap: wrap; gap: 6px 18px; }
${scope} .lk-spinner {
  inline-size: 16px; block-size: 16px; border-radius: 50%;
  border: 2px solid color-mix(in srgb, currentColor 35%, transparent); border-block-start-color: currentColor;
  animation: lk-spin 700ms linear infinite;
}
@keyframes lk-spin { to { transform: rotate(1turn); } }
@media (prefers-reduced-motion: reduce) { ${scope} .lk-spinner { animation-duration: 2s; } }
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
