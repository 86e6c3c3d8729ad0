import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '../internal/localize.js';
import type { ActiveSession } from '@latchkey/client';
import { formatMoment } from '../internal/dates.js';

/** What the sessions section shows, worked out by its controller. */
export interface SessionsView {
  sessions: ActiveSession[];
  /** The session being signed out, and why that failed. */
  revoking?: string | undefined;
  revokeError?: { id: string; message: string } | undefined;
  revokingOthers: boolean;
  othersError?: string | undefined;
}

export interface SessionsCallbacks {
  onRevoke(id: string): void;
  onRevokeOthers(): void;
}

const spinner = html`<span class="spinner" aria-hidden="true"></span>`;
const deviceIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></svg>`;

/** "Chrome on macOS", from the broker's fixed names; what it does not know, said as such. */
export function sessionName(s: ActiveSession): string {
  if (s.browser && s.device) return msg(str`${s.browser} on ${s.device}`, { id: 'profile.sessions.browser-on-device' });
  if (s.browser) return s.browser;
  if (s.device) return msg(str`A browser on ${s.device}`, { id: 'profile.sessions.browser-unknown' });
  return msg('Unknown browser', { id: 'profile.sessions.unknown' });
}

/** The section's frame: heading, what it is for, then `body`. */
export function renderSessionsSection(body: TemplateResult | typeof nothing): TemplateResult {
  return html`<section part="section sessions-section" class="section" aria-labelledby="sessions-title"> <h3 part="section-title" id="sessions-title">${msg('Active sessions', { id: 'profile.sessions.title' })}</h3> <p part="section-description" class="description">${msg('Where your account is signed in. Sign out of any device you don’t recognise.', { id: 'profile.sessions.description' })}</p> ${body} </section>`;
}

/** The sessions, this one first; "Sign out" on each other one, and "Sign out of all other devices" under them. */
export function renderSessionList(view: SessionsView, on: SessionsCallbacks): TemplateResult {
  const others = view.sessions.filter((s) => !s.current).length;
  return html`<ul part="session-list" class="list"> ${view.sessions.map((s) => renderSession(s, view, on))} </ul> ${others
      ? html`<div class="add"> <div class="add-row"> <button type="button" part="sign-out-others" class="secondary" data-action="revoke-others" aria-disabled=${view.revokingOthers ? 'true' : 'false'} @click=${on.onRevokeOthers}> ${view.revokingOthers ? spinner : nothing}${msg('Sign out of all other devices', { id: 'profile.sessions.sign-out-others' })} </button> </div> ${view.othersError ? html`<p class="alert" role="alert">${view.othersError}</p>` : nothing} </div>`
      : html`<p class="note">${msg('You aren’t signed in anywhere else.', { id: 'profile.sessions.alone' })}</p>`}`;
}

function renderSession(s: ActiveSession, view: SessionsView, on: SessionsCallbacks): TemplateResult {
  const name = `session-${s.id}`;
  const pending = view.revoking === s.id;
  const error = view.revokeError?.id === s.id ? view.revokeError.message : undefined;
  return html`<li part="session" class="row" data-id=${s.id}> <span class="icon">${deviceIcon}</span> <div class="details"> <span class="name-row"><span part="session-name" class="name" id=${name}>${sessionName(s)}</span> ${s.current ? html`<span part="session-current" class="kind synced">${msg('This device', { id: 'profile.sessions.this-device' })}</span>` : nothing}</span> <span class="meta">${s.ip ? html`<span><bdi>${s.ip}</bdi></span><span aria-hidden="true">\u00a0· </span>` : nothing}<span>${s.current
          ? msg('Active now', { id: 'profile.sessions.active-now' })
          : msg(str`Last active ${formatMoment(s.last_seen_at)}`, { id: 'profile.sessions.last-active' })}</span></span> </div> ${s.current
      ? nothing
      : html`<div class="actions"> <button type="button" class="link danger" id=${`revoke-${s.id}`} data-action="revoke" aria-labelledby=${`revoke-${s.id} ${name}`} aria-disabled=${pending ? 'true' : 'false'} @click=${() => on.onRevoke(s.id)}> ${pending ? spinner : nothing}${msg('Sign out', { id: 'profile.sessions.sign-out' })} </button> </div>`} ${error ? html`<p class="alert confirm-error" role="alert">${error}</p>` : nothing} </li>`;
}
