import { html, type TemplateResult } from 'lit';
import { msg, str } from '../localize.js';
import type { Passkey } from '@latchkey/client';
import { formatDate } from '../dates.js';

// How a passkey is described wherever the owner sees one: lk-user-profile's passkeys
// section, and lk-sign-in's review after a password reset (a step chunk of its own, so
// this module must not import anything of lk-user-profile).

/** A key, drawn beside each passkey. */
export const keyIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="8" cy="12" r="4" /><path d="M12 12h9M18 12v3M21 12v2" /></svg>`;

/**
 * A passkey's name, whether it is synced or on this device only, when it was
 * made and last used. Classes `details name-row name kind meta`, styled by
 * whichever element draws it.
 */
export function renderPasskeyDetails(p: Passkey): TemplateResult {
  const synced = p.device_type === 'multi-device';
  return html`<div class="details"> <span class="name-row"> <span part="passkey-name" class="name">${p.name}</span> <span part="passkey-kind" class="kind ${synced ? 'synced' : ''}">${synced ? msg('Synced') : msg('This device only')}</span> </span> <span class="meta"><span>${msg(str`Created ${formatDate(p.created_at)}`)}</span><span aria-hidden="true">\u00a0· </span><span>${p.last_used_at
          ? msg(str`Last used ${formatDate(p.last_used_at)}`)
          : msg('Never used')}</span></span> </div>`;
}
