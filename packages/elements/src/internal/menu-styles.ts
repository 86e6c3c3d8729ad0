import { css, unsafeCSS } from 'lit';
import { alertLook, buttonLook, focusRing, primaryHover, primaryLook, secondaryHover } from './form-styles.js';

// The menu of lk-user-button and lk-org-switcher: the popup under the button, its entries, and
// the organizations' entries (org-list.ts) both show. Written compactly (Lit ships a css`` literal
// as written), so its notes are here: the popup opens under the button, at its end side in the
// page's direction; an entry is a full-width button whose focus ring sits inside it; an
// organization's entry has a rounded-square avatar, its name and the user's role under it; the
// checked one carries a tick (drawn with borders, so forced colours keep it).
export const menuStyles = css`
[part~=menu],[part~=panel]{position:absolute;inset-inline-end:0;inset-block-start:calc(100% + 8px);z-index:10;min-inline-size:240px;max-inline-size:min(400px,calc(100vw - 16px));padding:6px;background:var(--_surface);border:1px solid var(--_border);border-radius:var(--_radius);box-shadow:var(--_shadow)}
[part~=menu-item]{box-sizing:border-box;display:flex;align-items:center;gap:var(--_space-s);text-decoration:none;inline-size:100%;min-block-size:var(--_target);padding-block:9px;padding-inline:10px;font:inherit;font-size:.875rem;text-align:start;color:var(--_text);background:none;border:0;border-radius:calc(var(--_radius)*.7);cursor:pointer}
[part~=menu-item]:focus-visible{outline:var(--_focus-width) solid var(--_focus);outline-offset:calc(var(--_focus-width)*-1)}
[part~=menu-item]:hover,[part~=menu-item]:focus-visible{background:color-mix(in srgb,var(--_primary) 12%,transparent)}
[part~=menu-item][aria-disabled=true]{cursor:default;color:var(--_muted);background:none}
[role=separator]{margin-block:6px;border-block-start:1px solid var(--_border)}
.group-label{margin:0;padding:6px 10px 2px;color:var(--_muted);font-size:.75rem;font-weight:600}
[part~=org-avatar]{display:grid;place-items:center;flex:none;inline-size:28px;block-size:28px;border-radius:calc(var(--_radius)*.6);font-weight:650;font-size:.8125rem;color:var(--_primary);background:color-mix(in srgb,var(--_primary) 14%,transparent)}
[part~=org-avatar] svg{inline-size:16px;block-size:16px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.org-text{display:grid;flex:1;min-inline-size:0}
.org-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:550}
.org-role{color:var(--_muted);font-size:.75rem}
.tick{flex:none;inline-size:6px;block-size:11px;margin-inline:4px 6px;border-right:2px solid var(--_primary);border-bottom:2px solid var(--_primary);transform:translateY(-2px) rotate(45deg)}
[aria-checked=false] .tick{visibility:hidden}
.busy{flex:none;inline-size:14px;block-size:14px;border-radius:50%;border:2px solid color-mix(in srgb,currentColor 30%,transparent);border-block-start-color:currentColor;animation:lk-spin 700ms linear infinite}
@keyframes lk-spin{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){.busy{animation-duration:3s}}
`;

// A panel in place of the menu (what an organization's policy requires; lk-org-switcher's
// "Create organization"): a heading, text, full-width buttons with the light-DOM forms' looks
// (interpolated constants, never user input), and lk-mfa's enrolment without its card's frame.
export const panelStyles = unsafeCSS(`
[part~=panel]{display:grid;gap:var(--_space-s);inline-size:min(360px,calc(100vw - 32px));padding:var(--_space-m)}
[part~=panel]:has(lk-mfa){inline-size:min(440px,calc(100vw - 32px))}
.panel-title{margin:0;font-size:1rem;font-weight:650}
.panel-title:focus{outline:none}
.panel-text,.hint,.field-error{margin:0;color:var(--_muted);font-size:var(--_font-size-s);line-height:1.5;overflow-wrap:anywhere}
.field-error{color:var(--_danger)}
.alert,.switch-failed{${alertLook};--_c:var(--_danger)}
.alert:empty{display:none}
.switch-failed{margin:6px 4px}
.primary,.secondary{${buttonLook};inline-size:100%}
.primary{${primaryLook}}
.primary:hover{${primaryHover}}
.primary[aria-disabled=true]{cursor:progress}
.secondary{border-color:transparent}
.secondary:hover{${secondaryHover}}
:is(.primary,.secondary):focus-visible{${focusRing}}
[part~=panel] lk-mfa{max-inline-size:100%}
lk-mfa::part(base){padding:0;border:0;box-shadow:none}
@media (forced-colors:active){:is(.primary,.secondary):focus-visible{outline-color:Highlight}}
`);
