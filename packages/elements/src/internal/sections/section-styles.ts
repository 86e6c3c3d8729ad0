import { unsafeCSS } from 'lit';
import { cardStyles, tokens } from '../tokens.js';
import { alertLook, buttonLook, focusRing, inputLook, primaryHover, primaryLook, secondaryHover, spinnerLook } from '../form-styles.js';

/**
 * The card of an element of sections (lk-user-profile, lk-org-profile): like
 * lk-sign-in's, wider (its rows carry a name, dates and actions), with every
 * control in its shadow root: nothing here is a credential field a password
 * manager needs to see. Sizes come from the
 * tokens; logical properties keep right-to-left right.
 *
 * Written compactly (Lit ships a css`` literal as written), so its notes are here:
 * provider marks (svg.provider-icon) are filled shapes, not strokes; `.meta`'s
 * parts break between them, never inside a date, the dot staying at the end of
 * a line; in narrow cards (@container, 26rem) the actions go under the name.
 */
export const sectionStyles = [
  tokens,
  cardStyles,
  // The looks it shares with the light-DOM forms are interpolated: its own constants, never user input.
  unsafeCSS(`
:host{max-inline-size:var(--lk-card-max-width,560px)}
[part~=base]{container-type:inline-size}
[part~=subtitle] bdi{unicode-bidi:isolate}
.visually-hidden{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.section{padding-block-start:var(--_space-m);border-block-start:var(--_border-width) solid var(--_border)}
.section + .section{margin-block-start:var(--_space-l)}
[part~=section-title]{margin:0;font-size:1.0625rem;font-weight:650}
.description,.empty,.off,.note,.signed-out{margin-block:var(--_space-xs) var(--_space-m);color:var(--_muted);font-size:var(--_font-size-s);line-height:1.5}
.empty,.off{margin-block-end:0;padding:var(--_space-m);text-align:center;border:var(--_border-width) dashed var(--_border);border-radius:var(--_radius)}
.note{margin-block-end:0}
.list{margin:0;padding:0;list-style:none}
.row{display:grid;grid-template-columns:auto minmax(0,1fr) auto;align-items:center;gap:var(--_space-s) calc(var(--_space-s)*1.5);padding-block:calc(var(--_space-s)*1.5);border-block-end:var(--_border-width) solid var(--_border)}
.row:first-child{padding-block-start:var(--_space-xs)}
.icon{display:grid;place-items:center;inline-size:2.25rem;block-size:2.25rem;border-radius:var(--_radius);color:var(--_primary);background:color-mix(in srgb,var(--_primary) 12%,transparent)}
.icon svg,.plus{inline-size:1.25rem;block-size:1.25rem;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
svg.provider-icon{fill:currentColor;stroke:none}
.alert.top{margin-block-end:var(--_space-m)}
.row>.alert{grid-column:1 / -1}
.email-row{border-block-end:0}
.details{display:grid;gap:var(--_space-xs);min-inline-size:0}
.name{font-weight:600;overflow-wrap:anywhere}
.name-row{display:flex;flex-wrap:wrap;align-items:center;gap:var(--_space-xs) var(--_space-s)}
.meta{color:var(--_muted);font-size:.8125rem;line-height:1.4}
.meta>span:not([aria-hidden]){white-space:nowrap}
.kind{padding-inline:var(--_space-s);font-size:.75rem;line-height:1.5;border-radius:calc(var(--_radius)*2);border:var(--_border-width) solid var(--_border)}
.kind.synced{color:var(--_success);border-color:color-mix(in srgb,var(--_success) 40%,transparent)}
.actions{display:flex;gap:var(--_space-s)}
@container (max-width:26rem){.row{grid-template-columns:auto minmax(0,1fr)}
.actions{grid-column:2}}
.rename{grid-column:2 / -1;display:grid;gap:calc(var(--_space-xs)*1.5)}
.rename-row{display:flex;flex-wrap:wrap;gap:var(--_space-s)}
label{font-size:var(--_font-size-s);font-weight:550}
input{box-sizing:border-box;flex:1 1 12rem;min-inline-size:0;${inputLook}}
input[aria-invalid=true]{border-color:var(--_danger)}
.field-error{margin:0;color:var(--_danger);font-size:.8125rem}
.field-error:empty,.hint:empty{display:none}
.confirm{grid-column:1 / -1;display:grid;gap:calc(var(--_space-s)*1.5);padding:calc(var(--_space-m)*.75);border-radius:var(--_radius);background:color-mix(in srgb,var(--_danger) 6%,transparent);border:var(--_border-width) solid color-mix(in srgb,var(--_danger) 28%,transparent)}
.confirm p{margin:0;font-size:var(--_font-size-s);line-height:1.5}
.confirm strong{display:block;overflow-wrap:anywhere}
.confirm-actions,.add-row{display:flex;flex-wrap:wrap;align-items:center;gap:var(--_space-s)}
.add{display:grid;gap:var(--_space-s);margin-block-start:var(--_space-m)}
.failed{display:grid;gap:calc(var(--_space-s)*1.5);justify-items:start}
.hint{margin:0;color:var(--_muted);font-size:var(--_font-size-s)}
.alert{--_c:var(--_danger);${alertLook}}
.primary,.secondary,.destructive{${buttonLook}}
.primary{${primaryLook}}
.primary:hover{${primaryHover}}
.destructive{--_on-danger:oklch(from var(--_danger) clamp(.16,(.62 - l)*1000,1) .01 h);color:var(--_on-danger);background:var(--_danger);border-color:transparent}
.destructive:hover{background:color-mix(in oklab,var(--_danger) 88%,var(--_on-danger))}
.secondary:hover{${secondaryHover}}
[aria-disabled=true]{cursor:progress}
.link{display:inline-flex;align-items:center;min-block-size:var(--_target);min-inline-size:var(--_target);padding-block:0;padding-inline:var(--_space-xs);font:inherit;font-size:var(--_font-size-s);font-weight:550;color:var(--_primary);background:none;border:0;border-radius:var(--_space-xs);cursor:pointer}
.link:hover{text-decoration:underline}
.link.danger{color:var(--_danger)}
:is(button,input):focus-visible{${focusRing}}
.spinner{${spinnerLook}}
@keyframes lk-spin{to{transform:rotate(1turn)}}
.skeleton .icon,.skeleton .bar,.skeleton-line{display:block;background:color-mix(in srgb,var(--_text) 8%,transparent);animation:pulse 1.4s ease-in-out infinite}
.skeleton .bar,.skeleton-line{block-size:.75rem;inline-size:60%;border-radius:var(--_space-xs)}
.skeleton .bar.short{inline-size:35%}
.skeleton-line{margin-block-start:var(--_space-s);inline-size:45%}
@keyframes pulse{50%{opacity:.5}}
@media (prefers-reduced-motion:reduce){.spinner{animation-duration:3s}
.skeleton .icon,.skeleton .bar,.skeleton-line{animation:none}}
@media (forced-colors:active){:is(button,input):focus-visible{outline-color:Highlight}
.kind{border-color:CanvasText}}
.retry{display:grid;gap:calc(var(--_space-s)*1.5);justify-items:start}
.panel{display:grid;gap:var(--_space-s);margin-block-start:var(--_space-m);padding:var(--_space-m);border:var(--_border-width) solid var(--_border);border-radius:var(--_radius)}
.panel-title{margin:0;font-size:1rem;font-weight:650}
slot[name=two-step]{display:block}
.confirm.notice{background:color-mix(in srgb,var(--_primary) 6%,transparent);border-color:color-mix(in srgb,var(--_primary) 28%,transparent)}
`),
];
