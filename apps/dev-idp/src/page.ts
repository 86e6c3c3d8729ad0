// Server-rendered pages of the dev IdP: one sign-in page for every provider and a message page.
// No script and styles from a same-origin stylesheet, so the strict CSP below holds; the one
// exception is the SAML auto-post page, whose single fixed script is allowed by its hash.

import { createHash } from 'node:crypto';
import { DEV_PASSWORD, DEV_USERS } from './users.js';

export const STYLESHEET_PATH = '/assets/dev-idp.css';

/** Sent with every page we render: nothing runs, nothing loads from elsewhere, nobody frames us. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

export interface Brand {
  /** Shown in the header: "DevHub" or "Dev IdP". */
  name: string;
  /** `oidc` or `devhub`: picks the accent colour and the mark. */
  theme: 'oidc' | 'devhub';
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char]!);
}

const marks: Record<Brand['theme'], string> = {
  // A key (the OpenID Provider) and an octagon with brackets (the code host); drawn inline, no request.
  oidc: '<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="8" cy="12" r="4.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12.5 12H21M18 12v3.5M15.5 12v2.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
  devhub: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M8 2.5h8l5.5 5.5v8L16 21.5H8L2.5 16V8z" fill="currentColor"/><path d="M10 8.5 6.5 12l3.5 3.5M14 8.5l3.5 3.5-3.5 3.5" fill="none" stroke="#24292f" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
};

function layout(brand: Brand, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · ${escapeHtml(brand.name)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body class="theme-${brand.theme}">
<main class="card">
<header class="brand"><span class="mark">${marks[brand.theme]}</span><span class="brand-name">${escapeHtml(brand.name)}</span><span class="badge">dev</span></header>
${body}
</main>
<p class="hint">Dev users: ${DEV_USERS.map((user) => `<code>${escapeHtml(user.email)}</code>`).join(', ')} · password <code>${DEV_PASSWORD}</code></p>
</body>
</html>
`;
}

export interface SignInPageOptions {
  brand: Brand;
  /** Who asked: "Latchkey" or the client id. */
  clientName: string;
  /** Where the credentials go (same origin, carries the interaction uid). */
  action: string;
  /** Where Cancel posts; it answers `error=access_denied` to the client. */
  cancelAction: string;
  email?: string;
  error?: string;
}

export function signInPage(options: SignInPageOptions): string {
  const { brand, clientName, action, cancelAction, email = '', error } = options;
  const errorBlock = error ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(error)}</p>` : '';
  const described = error ? ' aria-describedby="sign-in-error" aria-invalid="true"' : '';
  return layout(
    brand,
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">to continue to <strong>${escapeHtml(clientName)}</strong></p>
${errorBlock}
<form method="post" action="${escapeHtml(action)}" class="fields">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${email ? '' : ' autofocus'}${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${email ? ' autofocus' : ''}${described}>
<button type="submit" class="primary">Continue</button>
</form>
<form method="post" action="${escapeHtml(cancelAction)}" class="cancel">
<button type="submit" class="link">Cancel</button>
</form>`,
  );
}

export function messagePage(brand: Brand, title: string, message: string): string {
  return layout(brand, title, `<h1>${escapeHtml(title)}</h1>\n<p class="lead">${escapeHtml(message)}</p>`);
}

const AUTO_POST_SCRIPT = 'document.forms[0].submit();';

/** PAGE_CSP plus the auto-post script, by its hash: for the page of `autoPostPage` only. */
export const AUTO_POST_CSP = `${PAGE_CSP}; script-src 'sha256-${createHash('sha256').update(AUTO_POST_SCRIPT).digest('base64')}'`;

export interface AutoPostPageOptions {
  brand: Brand;
  /** Where the form goes (another site: the SAML SP's ACS URL). */
  action: string;
  /** Hidden fields, in order; an undefined value is left out. */
  fields: Record<string, string | undefined>;
}

/**
 * The HTTP-POST binding's page: a form of hidden fields that a script submits at once, with a
 * visible "Continue" button should the script not run. Serve it with AUTO_POST_CSP.
 */
export function autoPostPage({ brand, action, fields }: AutoPostPageOptions): string {
  const inputs = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return layout(
    brand,
    'Signing in',
    `<h1>Signing in</h1>
<p class="lead">Taking you back to the application. If nothing happens, select Continue.</p>
<form method="post" action="${escapeHtml(action)}" class="fields">
${inputs}
<button type="submit" class="primary">Continue</button>
</form>
<script>${AUTO_POST_SCRIPT}</script>`,
  );
}

export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #4f46e5; --accent-hover: #4338ca; --bg: #f4f5f9; --card: #fff; --text: #1c1d22; --muted: #5d6170; --border: #d5d8e1; --danger: #b42318; --danger-bg: #fef3f2; }
.theme-devhub { --accent: #1f883d; --accent-hover: #1a7f37; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1115; --card: #191c22; --text: #e8eaf0; --muted: #a0a6b4; --border: #353a45; --danger: #fda29b; --danger-bg: #2c1614; }
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 16px; line-height: 1.5; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 1rem; padding: 1.5rem; background: var(--bg); color: var(--text); }
.card { width: 100%; max-width: 24rem; background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 2rem 2rem 1.25rem; box-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 12px 32px rgb(16 24 40 / 8%); }
.brand { display: flex; align-items: center; gap: .5rem; margin-block-end: 1.5rem; font-weight: 600; }
.mark { display: inline-flex; width: 2rem; height: 2rem; padding: .3rem; border-radius: 8px; background: var(--accent); color: #fff; }
.theme-devhub .mark { background: #24292f; }
@media (prefers-color-scheme: dark) { .theme-devhub .mark { background: #3d444d; } }
.mark svg { width: 100%; height: 100%; }
.badge { margin-inline-start: auto; font-size: .75rem; font-weight: 500; color: var(--muted); border: 1px solid var(--border); border-radius: 999px; padding: 0 .5rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0; }
.lead { margin: .25rem 0 1.25rem; color: var(--muted); }
.lead strong { color: var(--text); font-weight: 600; }
.fields { display: flex; flex-direction: column; }
label { font-size: .875rem; font-weight: 600; margin-block-end: .375rem; }
input { font: inherit; width: 100%; padding: .625rem .75rem; margin-block-end: 1rem; border: 1px solid var(--border); border-radius: 8px; background: var(--card); color: var(--text); }
input:focus { outline: 2px solid var(--accent); outline-offset: 1px; border-color: var(--accent); }
input[aria-invalid="true"] { border-color: var(--danger); }
button { font: inherit; cursor: pointer; }
.primary { margin-block-start: .25rem; padding: .625rem 1rem; border: 0; border-radius: 8px; background: var(--accent); color: #fff; font-weight: 600; }
.primary:hover { background: var(--accent-hover); }
.primary:focus-visible, .link:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.cancel { display: flex; justify-content: center; margin-block-start: .75rem; }
.link { border: 0; background: none; padding: .25rem .5rem; color: var(--muted); text-decoration: underline; text-underline-offset: 2px; }
.link:hover { color: var(--text); }
.error { margin: 0 0 1rem; padding: .625rem .75rem; border-radius: 8px; background: var(--danger-bg); color: var(--danger); font-size: .875rem; border: 1px solid color-mix(in srgb, var(--danger) 35%, transparent); }
.hint { margin: 0; max-width: 24rem; text-align: center; font-size: .8125rem; color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .8125rem; }
`;
