import { css } from 'lit';

/**
 * Public `--lk-*` tokens are read here, once, into private `--_*` variables
 * with fallbacks. They are never declared on `:host`, so a page's `:root`
 * theme always reaches them. Light-DOM form pieces inherit the private ones.
 *
 * Contrast holds whatever the page sets (WCAG 2.2 AA): the primary colour is
 * darkened on light surfaces and lightened on dark ones only as far as text
 * on it and beside it needs (OKLCH lightness ≤ 0.52 / ≥ 0.72), and the text
 * on it is white or near-black by that lightness. Input borders and the focus
 * ring are 3:1 or more against the surface in both schemes. The reference
 * table is in the package README. `--_target` is WCAG 2.5.8's least target
 * size for a link or button, whatever the theme.
 */
export const tokens = css`
:host{color-scheme:light dark;--_p:var(--lk-color-primary,light-dark(#4f46e5,#818cf8));--_primary:light-dark(oklch(from var(--_p) min(l,.52) c h),oklch(from var(--_p) max(l,.72) c h));--_surface:var(--lk-color-surface,light-dark(#ffffff,#171a23));--_text:var(--lk-color-text,light-dark(#1b1e29,#e8eaf1));--_muted:var(--lk-color-muted,light-dark(#5d6477,#9ba2b5));--_border:var(--lk-color-border,light-dark(#dde1ea,#2d3242));--_danger:var(--lk-color-danger,light-dark(#b42318,#f97066));--_success:var(--lk-color-success,light-dark(#067647,#47cd89));--_radius:var(--lk-radius,10px);--_border-width:var(--lk-border-width,1px);--_space-xs:var(--lk-space-xs,4px);--_space-s:var(--lk-space-s,8px);--_space-m:var(--lk-space-m,16px);--_space-l:var(--lk-space-l,32px);--_font:var(--lk-font-family,system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif);--_font-size:var(--lk-font-size,1rem);--_font-size-s:var(--lk-font-size-small,.875rem);--_font-size-title:var(--lk-font-size-title,1.375rem);--_shadow:var(--lk-shadow,0 1px 2px rgb(16 24 40 / .06),0 12px 32px -8px rgb(16 24 40 / .14));--_focus:var(--lk-focus-ring-color,var(--_primary));--_focus-width:var(--lk-focus-ring-width,2px);--_target:24px;--_input-height:var(--lk-input-height,44px);--_input-bg:var(--lk-input-background-color,var(--_surface));--_input-border:var(--lk-input-border-color,light-dark(#767d8f,#6e7587));--_button-bg:var(--lk-button-background-color,var(--_primary));--_button-text:var(--lk-button-text-color,var(--lk-color-on-primary,oklch(from var(--_button-bg) clamp(.16,(.62 - l)*1000,1) .01 h)));--_button-height:var(--lk-button-height,var(--_input-height));font-family:var(--_font);color:var(--_text)}
:host([theme=light]){color-scheme:light}
:host([theme=dark]){color-scheme:dark}
:host([hidden]){display:none}
`;

/** The card every flow element sits in: header, the slotted light-DOM form, footer. */
export const cardStyles = css`
:host{display:block;max-inline-size:var(--lk-card-max-width,400px)}
[part~=base]{box-sizing:border-box;background:var(--_surface);border:var(--_border-width) solid var(--_border);border-radius:calc(var(--_radius)*1.4);box-shadow:var(--_shadow);padding:var(--lk-card-padding,clamp(var(--_space-m),6vw,var(--_space-l)))}
[part~=header]{margin-block-end:var(--_space-m)}
::slotted([slot=logo]){display:block;max-block-size:40px;margin-block-end:var(--_space-m)}
[part~=app-name]{margin:0 0 var(--_space-xs);color:var(--_muted);font-size:var(--_font-size-s);font-weight:600}
[part~=title]{margin:0;font-size:var(--_font-size-title);line-height:1.25;font-weight:650;letter-spacing:-0.01em}
[part~=title]:focus{outline:none}
[part~=subtitle]{margin:var(--_space-xs) 0 0;color:var(--_muted);font-size:.9375rem;line-height:1.5;overflow-wrap:anywhere}
[part~=footer]{margin-block-start:var(--_space-m);padding-block-start:var(--_space-m);border-block-start:var(--_border-width) solid var(--_border);color:var(--_muted);font-size:var(--_font-size-s);text-align:center}
[part~=footer]:empty{display:none}
[part~=footer] a{color:var(--_primary);font-weight:550;text-decoration:none}
[part~=footer] a:hover{text-decoration:underline}
[part~=footer] a:focus-visible{outline:var(--_focus-width) solid var(--_focus);outline-offset:2px;border-radius:var(--_space-xs)}
.announcer{position:absolute;inline-size:1px;block-size:1px;margin:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;
