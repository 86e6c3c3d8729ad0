import { formScope as s } from '../form-styles.js';

/**
 * Text buttons (`.lk-link`: "Forgot password?", "Resend code") and the row
 * they sit in under a form (`.lk-links`). No first screen has one, so each
 * template that draws one adds these with `addFormStyles(linkStyles)`.
 */
export const linkStyles = `@layer latchkey{
${s} .lk-link{display:inline-flex;align-items:center;min-block-size:var(--_target);min-inline-size:var(--_target);padding-block:0;padding-inline:var(--_space-xs);margin-inline:calc(var(--_space-xs)*-1);font:inherit;font-size:var(--_font-size-s);font-weight:550;color:var(--_primary);background:none;border:0;border-radius:var(--_space-xs);cursor:pointer}
${s} .lk-link:hover{text-decoration:underline}
${s} .lk-link:disabled{color:var(--_muted);cursor:default;text-decoration:none}
${s} .lk-links{display:flex;justify-content:center;flex-wrap:wrap;gap:var(--_space-xs) var(--_space-m)}}`;
