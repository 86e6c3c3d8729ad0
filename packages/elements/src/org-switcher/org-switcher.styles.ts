import { unsafeCSS } from 'lit';
import { tokens } from '../internal/tokens.js';
import { menuStyles, panelStyles } from '../internal/menu-styles.js';
import { focusRing, inputLook } from '../internal/form-styles.js';

// Written compactly (Lit ships a css`` literal as written), so its notes are here: the button is
// the organization's avatar, its name and the user's role on a second line, and a chevron (physical
// sides: it points down in either direction); below 480 px only the avatar shows (the name stays
// for screen readers). The panels (create, policy) are small forms in the popup's box, their
// controls the same looks as the light-DOM forms' (interpolated constants, never user input).
export const orgSwitcherStyles = [
  tokens,
  menuStyles,
  panelStyles,
  unsafeCSS(`
:host{display:inline-block;position:relative}
[part~=button]{display:inline-flex;align-items:center;gap:var(--_space-s);max-inline-size:100%;min-block-size:var(--_input-height);padding-block:var(--_space-xs);padding-inline:var(--_space-xs) var(--_space-s);font:inherit;font-size:.875rem;text-align:start;color:var(--_text);background:transparent;border:var(--_border-width) solid var(--_input-border);border-radius:var(--_radius);cursor:pointer}
[part~=button]:hover{background:color-mix(in srgb,var(--_text) 5%,transparent)}
[part~=button]:focus-visible{${focusRing}}
[part~=button].retry{padding-inline:var(--_space-m)}
.label{display:grid;min-inline-size:0;max-inline-size:24ch}
.current-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}
.current-role{color:var(--_muted);font-size:.75rem}
.current-role:empty{display:none}
.chevron{flex:none;inline-size:8px;block-size:8px;border-right:2px solid var(--_muted);border-bottom:2px solid var(--_muted);transform:translateY(-2px) rotate(45deg);margin-inline:2px 4px}
.error{margin-inline-end:var(--_space-s);color:var(--_danger);font-size:var(--_font-size-s)}
.visually-hidden{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:480px){.label{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}}
.skeleton{display:inline-block;inline-size:38px;block-size:38px;border-radius:var(--_radius);background:color-mix(in srgb,var(--_text) 8%,transparent)}
.skeleton.small{flex:none;inline-size:28px;block-size:28px}
.popup{position:absolute;inset-inline-start:0;inset-block-start:calc(100% + 8px);z-index:10;box-sizing:border-box;inline-size:max-content;min-inline-size:260px;max-inline-size:min(400px,calc(100vw - 16px));padding:6px;background:var(--_surface);border:1px solid var(--_border);border-radius:var(--_radius);box-shadow:var(--_shadow)}
.popup[part~=panel]{inline-size:min(360px,calc(100vw - 32px));max-inline-size:none;padding:var(--_space-m)}
.popup[part~=panel]:has(lk-mfa){inline-size:min(440px,calc(100vw - 32px))}
.popup [part~=menu]{position:static;min-inline-size:0;max-inline-size:none;padding:0;background:none;border:0;box-shadow:none}
.plus{font-size:1.125rem;font-weight:500}
.panel-form{display:grid;gap:var(--_space-s)}
label{font-size:var(--_font-size-s);font-weight:550}
input{box-sizing:border-box;inline-size:100%;${inputLook}}
input:focus-visible{${focusRing}}
input[aria-invalid=true]{border-color:var(--_danger)}
@media (forced-colors:active){:is([part~=button],input):focus-visible{outline-color:Highlight}}
.popup .alert{margin-block-start:6px}
`),
];
