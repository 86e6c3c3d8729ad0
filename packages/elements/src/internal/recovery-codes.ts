import { html, type TemplateResult } from 'lit';
import { msg } from './localize.js';
import { addFormStyles, formScope as s } from './form-styles.js';
import { linkStyles } from './templates/links.js';

// The recovery codes as shown once, right after they are made (an authenticator app
// enrolled, codes regenerated, an organization's MFA enrolment at sign-in): a light-DOM
// view any element draws in its form, with Copy, Download and "I've saved them".

addFormStyles(linkStyles);
addFormStyles(`@layer latchkey{
${s} .lk-codes{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:var(--_space-xs) var(--_space-m);margin:0;padding:calc(var(--_space-m)*.75);list-style:none;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:var(--_font-size);font-variant-numeric:tabular-nums;border:var(--_border-width) solid var(--_border);border-radius:var(--_radius);background:color-mix(in srgb,var(--_text) 3%,transparent)}
${s} .lk-codes li{text-align:center;letter-spacing:.04em}
${s} .lk-row{display:flex;flex-wrap:wrap;gap:var(--_space-s)}
${s} .lk-row>.lk-secondary{flex:1 1 8rem;inline-size:auto}
${s} .lk-warning{margin:0;font-size:var(--_font-size-s);line-height:1.5;color:var(--_text)}}`);

/** What the view needs besides the codes: where they are for (the file's name) and what its buttons do. */
export interface RecoveryCodesOptions {
  codes: readonly string[];
  /** The account they belong to, at the top of the downloaded file. */
  account: string;
  /** "I've saved them": the view closes. */
  onDone(): void;
  /** Says what Copy did through the element's live region. */
  announce(text: string): void;
}

/** The codes as a text file: what they are, for which account, one code a line. */
export function recoveryCodesText(codes: readonly string[], account: string): string {
  const head = msg('Recovery codes', { id: 'recovery.file-title' });
  const note = msg('Each code signs you in once, in place of your authenticator app. Keep them somewhere safe.', { id: 'recovery.file-note' });
  return `${head} — ${account}\n${note}\n\n${codes.join('\n')}\n`;
}

/**
 * Saves `text` as `name` through a Blob URL (a `download` link clicked from
 * script): no inline script or data URL, so a strict CSP allows it. The URL is
 * revoked once the browser has taken the file.
 */
export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The ten codes, shown this once, two columns, left to right in every locale;
 * "Copy codes", "Download", and "I've saved them". Its heading is the
 * element's (it says "Save your recovery codes"); focus goes to "Copy codes".
 *
 * @example
 * renderRecoveryCodes({ codes, account: user.email, onDone: () => close(), announce: (t) => say(t) })
 */
export function renderRecoveryCodes(o: RecoveryCodesOptions): TemplateResult {
  const text = () => recoveryCodesText(o.codes, o.account);
  const onCopy = () =>
    void navigator.clipboard.writeText(text()).then(
      () => o.announce(msg('Recovery codes copied.', { id: 'recovery.copied' })),
      () => o.announce(msg("Couldn't copy. Select the codes and copy them yourself.", { id: 'recovery.copy-failed' })),
    );
  const onDownload = () => {
    downloadText('recovery-codes.txt', text());
    o.announce(msg('Recovery codes downloaded.', { id: 'recovery.downloaded' }));
  };
  return html`<div class="lk-form lk-recovery"> <p class="lk-warning">${msg("Save these codes somewhere safe, like your password manager. If you lose your phone, each one signs you in once. They won't be shown again.", { id: 'recovery.save-them' })}</p> <ul class="lk-codes" dir="ltr" aria-label=${msg('Recovery codes', { id: 'recovery.file-title' })}> ${o.codes.map((code) => html`<li>${code}</li>`)} </ul> <div class="lk-row"> <button type="button" class="lk-secondary" data-action="copy-codes" @click=${onCopy}>${msg('Copy codes', { id: 'recovery.copy' })}</button> <button type="button" class="lk-secondary" data-action="download-codes" @click=${onDownload}>${msg('Download', { id: 'recovery.download' })}</button> </div> <button type="button" class="lk-primary" data-action="saved-codes" @click=${o.onDone}>${msg("I've saved them", { id: 'recovery.saved' })}</button> </div>`;
}
