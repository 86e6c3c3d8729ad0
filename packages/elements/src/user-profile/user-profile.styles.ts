import { css } from 'lit';
import { cardStyles, tokens } from '../internal/tokens.js';

/**
 * The profile is a card like lk-sign-in's, wider (its rows carry a name, dates
 * and actions), with every control in its shadow root: nothing here is a
 * credential field a password manager needs to see. Sizes come from the
 * tokens; logical properties keep right-to-left right.
 */
export const userProfileStyles = [
  tokens,
  cardStyles,
  css`
:host { max-inline-size: var(--lk-card-max-width, 560px); }
[part~='base'] { container-type: inline-size; }
[part~='subtitle'] bdi { unicode-bidi: isolate; }
.visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.section { padding-block-start: var(--_space-m); border-block-start: var(--_border-width) solid var(--_border); }
.section + .section { margin-block-start: var(--_space-l); }
[part~='section-title'] { margin: 0; font-size: 1.0625rem; font-weight: 650; }
.description, .empty, .note, .signed-out { margin-block: var(--_space-xs) var(--_space-m); color: var(--_muted); font-size: var(--_font-size-s); line-height: 1.5; }
.empty { margin-block-end: 0; padding: var(--_space-m); text-align: center; border: var(--_border-width) dashed var(--_border); border-radius: var(--_radius); }
.note { margin-block-end: 0; }
.list { margin: 0; padding: 0; list-style: none; }
.row { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; align-items: center; gap: var(--_space-s) calc(var(--_space-s) * 1.5); padding-block: calc(var(--_space-s) * 1.5); border-block-end: var(--_border-width) solid var(--_border); }
.row:first-child { padding-block-start: var(--_space-xs); }
.icon { display: grid; place-items: center; inline-size: 2.25rem; block-size: 2.25rem; border-radius: var(--_radius); color: var(--_primary); background: color-mix(in srgb, var(--_primary) 12%, transparent); }
.icon svg, .plus { inline-size: 1.25rem; block-size: 1.25rem; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
/* Provider marks are filled shapes, not strokes. */
svg.provider-icon { fill: currentColor; stroke: none; }
.alert.top { margin-block-end: var(--_space-m); }
.details { display: grid; gap: var(--_space-xs); min-inline-size: 0; }
.name { font-weight: 600; overflow-wrap: anywhere; }
.name-row { display: flex; flex-wrap: wrap; align-items: center; gap: var(--_space-xs) var(--_space-s); }
.meta { color: var(--_muted); font-size: 0.8125rem; line-height: 1.4; }
/* Lines break between the parts, never inside a date; the dot stays at the end of a line. */
.meta > span:not([aria-hidden]) { white-space: nowrap; }
.kind { padding-inline: var(--_space-s); font-size: 0.75rem; line-height: 1.5; border-radius: calc(var(--_radius) * 2); border: var(--_border-width) solid var(--_border); }
.kind.synced { color: var(--_success); border-color: color-mix(in srgb, var(--_success) 40%, transparent); }
.actions { display: flex; gap: var(--_space-s); }
/* Narrow cards: the actions go under the name. */
@container (max-width: 26rem) {
.row { grid-template-columns: auto minmax(0, 1fr); }
.actions { grid-column: 2; }
}
.rename { grid-column: 2 / -1; display: grid; gap: calc(var(--_space-xs) * 1.5); }
.rename-row { display: flex; flex-wrap: wrap; gap: var(--_space-s); }
label { font-size: var(--_font-size-s); font-weight: 550; }
input { box-sizing: border-box; flex: 1 1 12rem; min-inline-size: 0; min-block-size: var(--_input-height); padding-block: 0; padding-inline: calc(var(--_space-m) * 0.75); font: inherit; font-size: var(--_font-size); color: var(--_text); background: var(--_input-bg); border: var(--_border-width) solid var(--_input-border); border-radius: var(--_radius); }
input[aria-invalid='true'] { border-color: var(--_danger); }
.field-error { margin: 0; color: var(--_danger); font-size: 0.8125rem; }
.field-error:empty, .hint:empty { display: none; }
.confirm { grid-column: 1 / -1; display: grid; gap: calc(var(--_space-s) * 1.5); padding: calc(var(--_space-m) * 0.75); border-radius: var(--_radius); background: color-mix(in srgb, var(--_danger) 6%, transparent); border: var(--_border-width) solid color-mix(in srgb, var(--_danger) 28%, transparent); }
.confirm p { margin: 0; font-size: var(--_font-size-s); line-height: 1.5; }
.confirm strong { display: block; overflow-wrap: anywhere; }
.confirm-actions, .add-row { display: flex; flex-wrap: wrap; align-items: center; gap: var(--_space-s); }
.add { display: grid; gap: var(--_space-s); margin-block-start: var(--_space-m); }
.failed { display: grid; gap: calc(var(--_space-s) * 1.5); justify-items: start; }
.hint { margin: 0; color: var(--_muted); font-size: var(--_font-size-s); }
.alert { margin: 0; padding-block: calc(var(--_space-s) * 1.25); padding-inline: calc(var(--_space-m) * 0.75); border-radius: var(--_radius); font-size: var(--_font-size-s); line-height: 1.45; color: var(--_danger); background: color-mix(in srgb, var(--_danger) 9%, transparent); border: var(--_border-width) solid color-mix(in srgb, var(--_danger) 28%, transparent); }
.primary, .secondary, .destructive { display: inline-flex; align-items: center; justify-content: center; gap: var(--_space-s); min-block-size: var(--_button-height); padding-block: 0; padding-inline: var(--_space-m); font: inherit; font-size: 0.9375rem; font-weight: 600; color: var(--_text); background: transparent; border: var(--_border-width) solid var(--_input-border); border-radius: var(--_radius); cursor: pointer; }
.primary { color: var(--_button-text); background: var(--_button-bg); border-color: transparent; }
.primary:hover { background: color-mix(in oklab, var(--_button-bg) 88%, var(--_button-text)); }
.destructive { --_on-danger: oklch(from var(--_danger) clamp(0.16, (0.62 - l) * 1000, 1) 0.01 h); color: var(--_on-danger); background: var(--_danger); border-color: transparent; }
.destructive:hover { background: color-mix(in oklab, var(--_danger) 88%, var(--_on-danger)); }
.secondary:hover { background: color-mix(in srgb, var(--_text) 5%, transparent); }
[aria-disabled='true'] { cursor: progress; }
.link { display: inline-flex; align-items: center; min-block-size: var(--_target); min-inline-size: var(--_target); padding-block: 0; padding-inline: var(--_space-xs); font: inherit; font-size: var(--_font-size-s); font-weight: 550; color: var(--_primary); background: none; border: 0; border-radius: var(--_space-xs); cursor: pointer; }
.link:hover { text-decoration: underline; }
.link.danger { color: var(--_danger); }
:is(button, input):focus-visible { outline: var(--_focus-width) solid var(--_focus); outline-offset: var(--_focus-width); }
.spinner { inline-size: 1em; block-size: 1em; border-radius: 50%; border: 0.125em solid color-mix(in srgb, currentColor 35%, transparent); border-block-start-color: currentColor; animation: spin 700ms linear infinite; }
@keyframes spin {
to { transform: rotate(1turn); }
}
.skeleton .icon, .skeleton .bar, .skeleton-line { display: block; background: color-mix(in srgb, var(--_text) 8%, transparent); animation: pulse 1.4s ease-in-out infinite; }
.skeleton .bar, .skeleton-line { block-size: 0.75rem; inline-size: 60%; border-radius: var(--_space-xs); }
.skeleton .bar.short { inline-size: 35%; }
.skeleton-line { margin-block-start: var(--_space-s); inline-size: 45%; }
@keyframes pulse {
50% { opacity: 0.5; }
}
@media (prefers-reduced-motion: reduce) {
.spinner { animation-duration: 3s; }
.skeleton .icon, .skeleton .bar, .skeleton-line { animation: none; }
}
@media (forced-colors: active) {
:is(button, input):focus-visible { outline-color: Highlight; }
.kind { border-color: CanvasText; }
}
.retry { display: grid; gap: calc(var(--_space-s) * 1.5); justify-items: start; }
`,
];
