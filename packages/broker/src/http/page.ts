import { createHash } from 'node:crypto';

/**
 * The broker's few HTML pages: where a browser lands on the broker itself with nothing to
 * go back to (a SAML response refused at the ACS that names no sign-in of this browser, a
 * connection test's report). Static text, one inline stylesheet allowed by its hash, no
 * script, never framed.
 */

const escapeHtml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Text for a page, escaped; `html` marks markup that is already safe. */
export type Markup = string | { html: string };
const render = (part: Markup) => (typeof part === 'string' ? escapeHtml(part) : part.html);

/** Markup built from a template: every interpolated value is escaped unless it is `{ html }` itself. */
export function html(strings: TemplateStringsArray, ...values: Array<Markup | Markup[]>): { html: string } {
  return { html: strings.reduce((out, text, i) => out + text + (i < values.length ? [values[i]!].flat().map(render).join('') : ''), '') };
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #f6f8fa; --card: #fff; --line: #d1d9e0; --ok: #1a7f37; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d; --ok: #3fb950; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { width: 100%; max-width: 560px; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 32px; box-shadow: 0 1px 3px rgb(0 0 0 / 0.06); }
h1 { font-size: 20px; margin: 0 0 8px; }
p { margin: 0 0 12px; color: var(--muted); }
.badge { display: inline-block; font-size: 13px; font-weight: 600; padding: 2px 10px; border-radius: 999px; margin-bottom: 12px; border: 1px solid currentColor; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 1px 6px; word-break: break-all; }
h2 { font-size: 14px; margin: 20px 0 8px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; word-break: break-word; }
dl + p { margin-top: 20px; }
`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The Content-Security-Policy of every page: its one stylesheet, nothing else. */
export const PAGE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** A whole page: `lang` and `dir` for its text, a title, and the body's markup. */
export function page(options: { lang: string; dir?: 'ltr' | 'rtl'; title: string; body: { html: string } }): string {
  return `<!doctype html><html lang="${escapeHtml(options.lang)}" dir="${options.dir ?? 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head><body><main>${options.body.html}</main></body></html>`;
}

/** Headers for a page: HTML, its CSP, never cached or framed. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Whether the request asks for a page (a browser's navigation) rather than JSON. */
export const wantsHtml = (accept: string | undefined) => /\btext\/html\b/.test(accept ?? '');
