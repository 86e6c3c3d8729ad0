import { css } from 'lit';
import { tokens } from '../internal/tokens.js';
import { menuStyles, panelStyles } from '../internal/menu-styles.js';

// Written compactly (Lit ships a css`` literal as written), so its notes are here: narrow top
// bars (max-width 480px) show the avatar alone, the name and error staying for screen readers;
// the chevron uses physical sides, as it points down in either direction. The avatar's text
// colour (`--_on-primary`, from `--lk-color-on-primary`) is derived here, the one place it shows.
export const userButtonStyles = [
  tokens,
  menuStyles,
  panelStyles,
  css`
:host{display:inline-block;position:relative}
[part~=button]{display:inline-flex;align-items:center;gap:var(--_space-s);min-block-size:var(--_input-height);padding-block:var(--_space-xs);padding-inline:var(--_space-xs) var(--_space-s);font:inherit;font-size:.875rem;color:var(--_text);background:transparent;border:var(--_border-width) solid var(--_input-border);border-radius:999px;cursor:pointer}
[part~=button]:hover{background:color-mix(in srgb,var(--_text) 5%,transparent)}
[part~=button]:focus-visible{outline:var(--_focus-width) solid var(--_focus);outline-offset:var(--_focus-width)}
.error{margin-inline-end:var(--_space-s);color:var(--_danger);font-size:var(--_font-size-s)}
.error + [part~=button]{padding-inline:var(--_space-m)}
@media (max-width:480px){.label,.error{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}}
[part~=avatar]{--_on-primary:var(--lk-color-on-primary,oklch(from var(--_primary) clamp(.16,(.62 - l)*1000,1) .01 h));display:grid;place-items:center;inline-size:30px;block-size:30px;border-radius:50%;font-weight:650;font-size:.8125rem;color:var(--_on-primary);background:var(--_primary)}
.label{max-inline-size:22ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.chevron{inline-size:10px;block-size:10px;border-right:2px solid var(--_muted);border-bottom:2px solid var(--_muted);transform:translateY(-2px) rotate(45deg);margin-inline:2px 4px}
[part~=menu-header]{padding:8px 10px 10px;margin-block-end:6px;border-block-end:1px solid var(--_border)}
.name{font-weight:600;overflow-wrap:anywhere}
.email{color:var(--_muted);font-size:.8125rem;overflow-wrap:anywhere}
::slotted([role=menuitem]){box-sizing:border-box;display:block;text-decoration:none;inline-size:100%;padding-block:9px;padding-inline:10px;font:inherit;font-size:.875rem;text-align:start;color:var(--_text);background:none;border:0;border-radius:calc(var(--_radius)*.7);cursor:pointer}
::slotted([role=menuitem]:focus-visible){outline:var(--_focus-width) solid var(--_focus);outline-offset:calc(var(--_focus-width)*-1)}
::slotted([role=menuitem]:hover),::slotted([role=menuitem]:focus-visible){background:color-mix(in srgb,var(--_primary) 12%,transparent)}
.skeleton{display:inline-block;inline-size:38px;block-size:38px;border-radius:50%;background:color-mix(in srgb,var(--_text) 8%,transparent)}
`,
];
