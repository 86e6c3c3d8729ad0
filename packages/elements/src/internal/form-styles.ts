/**
 * Styles of the light-DOM credential forms. They are adopted on the element's
 * root node (the document or an enclosing shadow root), scoped by tag, and sit
 * in `@layer latchkey` so any rule of the page outside a layer wins. Every
 * size and colour is a private `--_*` variable the element's `:host` reads from
 * the public `--lk-*` tokens (see tokens.ts); logical properties keep RTL right.
 * Forced colours keep every state: each is drawn with borders, outlines and
 * dashes, never a shadow or a fill alone.
 *
 * These strings, like every css`` and html`` literal of the elements, ship as
 * written (nothing minifies them): one rule per line, no comment, no optional
 * space, and templates without indentation (README, Figures).
 */
// lk-user-profile, lk-org-profile and lk-mfa ask for passwords and codes in the light DOM too (step-up, two-step verification).
const scope = ':is(lk-sign-in,lk-sign-up,lk-mfa,lk-user-profile,lk-org-profile)';

/** What every rule of the form styles starts with; the rules a template adds (`addFormStyles`) too. */
export const formScope = scope;

/**
 * Declarations lk-user-profile's and lk-user-button's shadow styles share with the
 * light-DOM forms, written once: one look for a button, an input, an alert (its colour
 * in `--_c`), a focus ring and a spinner (its keyframes `lk-spin`).
 */
export const buttonLook = 'display:inline-flex;align-items:center;justify-content:center;gap:var(--_space-s);min-block-size:var(--_button-height);padding-block:0;padding-inline:var(--_space-m);font:inherit;font-size:.9375rem;font-weight:600;color:var(--_text);background:transparent;border:var(--_border-width) solid var(--_input-border);border-radius:var(--_radius);cursor:pointer';
export const primaryLook = 'color:var(--_button-text);background:var(--_button-bg);border-color:transparent';
export const primaryHover = 'background:color-mix(in oklab,var(--_button-bg) 88%,var(--_button-text))';
export const secondaryHover = 'background:color-mix(in srgb,var(--_text) 5%,transparent)';
export const inputLook = 'min-block-size:var(--_input-height);padding-block:0;padding-inline:calc(var(--_space-m)*.75);font:inherit;font-size:var(--_font-size);color:var(--_text);background:var(--_input-bg);border:var(--_border-width) solid var(--_input-border);border-radius:var(--_radius)';
export const alertLook = 'margin:0;padding-block:calc(var(--_space-s)*1.25);padding-inline:calc(var(--_space-m)*.75);border-radius:var(--_radius);font-size:var(--_font-size-s);line-height:1.45;color:var(--_c);background:color-mix(in srgb,var(--_c) 9%,transparent);border:var(--_border-width) solid color-mix(in srgb,var(--_c) 28%,transparent)';
export const focusRing = 'outline:var(--_focus-width) solid var(--_focus);outline-offset:var(--_focus-width)';
export const spinnerLook = 'inline-size:1em;block-size:1em;border-radius:50%;border:.125em solid color-mix(in srgb,currentColor 35%,transparent);border-block-start-color:currentColor;animation:lk-spin 700ms linear infinite';

/** The rules every first screen needs. Those only a later step's fields need come with their template (`addFormStyles`). */
export const formCss = `@layer latchkey{
${scope} .lk-form{display:grid;gap:calc(var(--_space-m) - var(--_space-xs));margin:0}
${scope} .lk-field{display:grid;gap:calc(var(--_space-xs)*1.5)}
${scope} .lk-label-row{display:flex;justify-content:space-between;align-items:center;gap:var(--_space-s)}
${scope} label{font-size:var(--_font-size-s);font-weight:550;color:var(--_text)}
${scope} input:not([type=hidden]){box-sizing:border-box;inline-size:100%;${inputLook}}
${scope} :is(input,button):focus-visible{${focusRing}}
${scope} input[aria-invalid=true]{border-color:var(--_danger)}
${scope} .lk-hint,${scope} .lk-field-error{margin:0;font-size:.8125rem;color:var(--_muted)}
${scope} .lk-field-error{color:var(--_danger)}
${scope} :is(.lk-alert,.lk-notice){--_c:var(--_danger);${alertLook}}
${scope} .lk-notice{--_c:var(--_success)}
${scope} :is(.lk-alert,.lk-notice):empty{display:none}
${scope} :is(.lk-primary,.lk-secondary){${buttonLook};inline-size:100%}
${scope} .lk-primary{margin-block-start:var(--_space-xs);${primaryLook}}
${scope} .lk-primary:hover{${primaryHover}}
${scope} .lk-primary[aria-disabled=true]{cursor:progress}
${scope} .lk-secondary:hover{${secondaryHover}}
${scope} .lk-divider{display:flex;align-items:center;gap:var(--_space-s);color:var(--_muted);font-size:.8125rem}
${scope} .lk-divider::before,${scope} .lk-divider::after{content:'';flex:1;border-block-start:var(--_border-width) solid var(--_border)}
${scope} .lk-social svg{inline-size:1.25em;block-size:1.25em;flex:none;fill:currentColor}
${scope} .lk-spinner{${spinnerLook}}
@keyframes lk-spin{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){${scope} .lk-spinner{animation-duration:3s}}
@media (forced-colors:active){${scope} :is(input,button):focus-visible{outline-color:Highlight}}}`;

let sheet: CSSStyleSheet | undefined;
const rules = [formCss];

/** Every rule of the form styles added so far: the first screens', then each template's, in the order they loaded. */
export function formStyles(): string {
  return rules.join('\n');
}

/**
 * Adds the rules of a template that only later steps draw (the code field, a
 * password's "Show password"), once, when the module that draws it loads: a
 * step's styles come with its chunk. They go after every rule before them, in
 * `@layer latchkey`, into the one sheet every root shares.
 */
export function addFormStyles(css: string): void {
  if (rules.includes(css)) return;
  rules.push(css);
  if (sheet?.cssRules.length) sheet.replaceSync(formStyles());
}

/**
 * Adopts the form stylesheet on `root` once. Constructable stylesheets need no
 * inline <style>, so a strict CSP (style-src 'self') is fine.
 */
export function adoptFormStyles(root: Node): void {
  if (!(root instanceof Document || root instanceof ShadowRoot)) return;
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(formStyles());
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
