import { focusRing, inputLook } from '../internal/form-styles.js';

/**
 * What lk-org-profile's sections add to the card's styles: role pickers and
 * other selects, a reason's textarea, checkboxes of permissions and policies,
 * the TXT record to publish, permission chips and the audit table (scrolling
 * sideways in a narrow card rather than squeezing). A sheet the sections'
 * shared chunk adopts into the element's shadow root when the first of them
 * loads (`adoptSectionStyles`). Every size is a token's; logical properties
 * keep right-to-left right.
 */
const css = `
select,textarea{box-sizing:border-box;min-inline-size:0;${inputLook}}
select{cursor:pointer}
select:disabled{opacity:.6;cursor:default}
textarea{inline-size:100%;min-block-size:5rem;padding-block:var(--_space-s);resize:vertical;line-height:1.45}
:is(select,textarea,a):focus-visible{${focusRing}}
input[type=checkbox]{flex:none;inline-size:1.125rem;block-size:1.125rem;min-block-size:0;margin:.1875rem 0 0;padding:0;accent-color:var(--_primary)}
h4{margin:var(--_space-l) 0 var(--_space-xs);font-size:.9375rem;font-weight:650}
.field{display:grid;gap:calc(var(--_space-xs)*1.5);min-inline-size:0}
.field>input{flex:none}
.form{display:grid;gap:var(--_space-m);margin-block-end:var(--_space-m)}
.fields{display:flex;flex-wrap:wrap;align-items:end;gap:var(--_space-s) calc(var(--_space-s)*1.5)}
.fields.top{align-items:start}
.fields>.field{flex:1 1 11rem}
.fields>.field.narrow{flex:0 1 12rem}
.fields>button{flex:none}
.form>.field-error{margin-block-start:calc(var(--_space-s)*-1)}
.row>.icon,.row>.actions{align-self:start}
.actions{min-block-size:2.25rem}
.icon{font-size:.8125rem;font-weight:650;text-transform:uppercase}
.kind.warn{color:var(--_danger);border-color:color-mix(in srgb,var(--_danger) 40%,transparent)}
.meta.warn{color:var(--_danger)}
.role-text{color:var(--_muted);font-size:var(--_font-size-s);white-space:nowrap}
.actions{flex-wrap:wrap;align-items:center;justify-content:end}
.actions select{min-block-size:2.25rem;font-size:var(--_font-size-s)}
.quote{margin:0;padding-inline-start:var(--_space-s);border-inline-start:3px solid var(--_border);font-size:var(--_font-size-s);line-height:1.45;white-space:pre-line;overflow-wrap:anywhere}
.decide{grid-column:2 / -1;display:flex;flex-wrap:wrap;align-items:center;gap:var(--_space-s)}
.decide select{min-block-size:2.25rem;font-size:var(--_font-size-s)}
.record{grid-column:2 / -1;display:grid;gap:calc(var(--_space-s)*1.5);padding:calc(var(--_space-m)*.75);border-radius:var(--_radius);border:var(--_border-width) solid var(--_border);background:color-mix(in srgb,var(--_text) 3%,transparent)}
.record p{margin:0;font-size:var(--_font-size-s);line-height:1.5}
.record dl{display:grid;grid-template-columns:auto minmax(0,1fr) auto;align-items:center;gap:var(--_space-s) calc(var(--_space-s)*1.5);margin:0}
.record dt{font-size:var(--_font-size-s);font-weight:600}
.record dd{margin:0;min-inline-size:0}
.record .confirm-actions{justify-content:start}
.setting{grid-column:2 / -1;display:flex;flex-wrap:wrap;align-items:center;gap:var(--_space-xs) var(--_space-s)}
.setting label{font-size:var(--_font-size-s)}
.setting select{min-block-size:2.25rem;font-size:var(--_font-size-s)}
.setting .hint{flex-basis:100%;font-size:.8125rem}
code{padding:.0625rem var(--_space-xs);border-radius:var(--_space-xs);background:color-mix(in srgb,var(--_text) 6%,transparent);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem;overflow-wrap:anywhere}
.copy{min-block-size:2.25rem;padding-inline:var(--_space-s);font-size:.8125rem}
.copy svg{inline-size:1rem;block-size:1rem;fill:none;stroke:currentColor;stroke-width:2}
.new-link{display:grid;gap:var(--_space-s);margin-block:var(--_space-s) var(--_space-m);padding:var(--_space-m);border-radius:var(--_radius);background:color-mix(in srgb,var(--_success) 7%,transparent);border:var(--_border-width) solid color-mix(in srgb,var(--_success) 35%,transparent)}
.new-link p{margin:0;font-size:var(--_font-size-s)}
.new-link .copy-row{display:flex;flex-wrap:wrap;gap:var(--_space-s)}
.new-link input{flex:1 1 16rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
.chips{grid-column:2 / -1;display:flex;flex-wrap:wrap;gap:var(--_space-xs);margin:0;padding:0;list-style:none}
.chips li{padding-inline:var(--_space-s);border-radius:var(--_space-xs);background:color-mix(in srgb,var(--_text) 6%,transparent);font-size:.75rem;line-height:1.6}
fieldset{margin:0;padding:0;border:0;min-inline-size:0}
legend{margin-block-end:var(--_space-s);padding:0;font-size:var(--_font-size-s);font-weight:550}
.checks{display:grid;gap:var(--_space-s) var(--_space-m);grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}
.check{display:flex;gap:calc(var(--_space-s)*1.25);align-items:start;font-weight:400}
.check span{display:grid;gap:.125rem}
.check strong{font-size:var(--_font-size-s);font-weight:600}
.check small{color:var(--_muted);font-size:.8125rem;line-height:1.4}
.zone{display:grid;gap:var(--_space-m)}
.zone .row{border-block-end:0;padding-block:0}
.zone .icon{color:var(--_danger);background:color-mix(in srgb,var(--_danger) 10%,transparent)}
.summary{margin-block:0 var(--_space-m);font-size:var(--_font-size-s);line-height:1.5}
.summary.warn{--_c:var(--_danger);padding:var(--_space-s) calc(var(--_space-m)*.75);border-radius:var(--_radius);color:var(--_c);background:color-mix(in srgb,var(--_c) 7%,transparent)}
.toolbar{display:flex;flex-wrap:wrap;align-items:end;justify-content:space-between;gap:var(--_space-s);margin-block-end:var(--_space-m)}
a.secondary{text-decoration:none;color:var(--_text)}
.table-wrap{overflow-x:auto;border:var(--_border-width) solid var(--_border);border-radius:var(--_radius)}
table{inline-size:100%;border-collapse:collapse;font-size:var(--_font-size-s)}
caption{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%)}
th,td{padding:var(--_space-s) calc(var(--_space-s)*1.5);text-align:start;vertical-align:top;border-block-end:var(--_border-width) solid var(--_border)}
th{color:var(--_muted);font-size:.75rem;font-weight:600;white-space:nowrap;background:color-mix(in srgb,var(--_text) 3%,transparent)}
tbody tr:last-child td{border-block-end:0}
td .event{display:block;font-weight:550}
td{overflow-wrap:break-word}
td .meta{display:block}
.more{margin-block-start:var(--_space-m)}
@media (forced-colors:active){:is(select,textarea,a):focus-visible{outline-color:Highlight}}
`;

let sheet: CSSStyleSheet | undefined;

/** Adds the sections' sheet to `host`'s shadow root, once. */
export function adoptSectionStyles(host: HTMLElement): void {
  const root = host.shadowRoot;
  if (!root) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
