import { html, nothing } from 'lit';
import { LatchkeyError, removePasskeysAfterReset, type Passkey, type PasskeyReview } from '@latchkey/client';
import { msg, str } from '../../internal/localize.js';
import { addFormStyles, formScope as s } from '../../internal/form-styles.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { keyIcon, renderPasskeyDetails } from '../../internal/templates/passkey-details.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// After a password reset, the account's passkeys, each with "Remove": a session cookie
// copied before the reset could have added one, and a passkey outlives the reset that
// revokes every session (README "Passkeys", "A new way in is announced"). Its own chunk:
// lk-sign-in imports it only when a reset's answer carries a review, and the removal call
// (`removePasskeysAfterReset`) comes with it, never with the element's entry.

addFormStyles(`@layer latchkey {
${s} .lk-passkeys { margin: 0; padding: 0; list-style: none; border-block-start: var(--_border-width) solid var(--_border); }
${s} .lk-passkeys > li {
  display: flex; align-items: center; gap: calc(var(--_space-s) * 1.5);
  padding-block: calc(var(--_space-s) * 1.25); border-block-end: var(--_border-width) solid var(--_border);
}
${s} .lk-passkeys .icon {
  flex: none; display: grid; place-items: center; inline-size: 2.25rem; block-size: 2.25rem; border-radius: var(--_radius);
  color: var(--_primary); background: color-mix(in srgb, var(--_primary) 12%, transparent);
}
${s} .lk-passkeys svg { inline-size: 1.25rem; block-size: 1.25rem; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
${s} .lk-passkeys .details { flex: 1; display: grid; gap: var(--_space-xs); min-inline-size: 0; }
${s} .lk-passkeys .name { font-weight: 600; overflow-wrap: anywhere; }
${s} .lk-passkeys .name-row { display: flex; flex-wrap: wrap; align-items: center; gap: var(--_space-xs) var(--_space-s); }
${s} .lk-passkeys .meta { color: var(--_muted); font-size: 0.8125rem; line-height: 1.4; }
${s} .lk-passkeys .meta > span:not([aria-hidden]) { white-space: nowrap; }
${s} .lk-passkeys .kind {
  padding-inline: var(--_space-s); font-size: 0.75rem; line-height: 1.5;
  border-radius: calc(var(--_radius) * 2); border: var(--_border-width) solid var(--_border);
}
${s} .lk-passkeys .kind.synced { color: var(--_success); border-color: color-mix(in srgb, var(--_success) 40%, transparent); }
${s} .lk-remove {
  flex: none; display: inline-flex; align-items: center; gap: var(--_space-xs); min-block-size: var(--_target); padding-block: 0; padding-inline: var(--_space-s);
  font: inherit; font-size: var(--_font-size-s); font-weight: 550; color: var(--_danger); background: none; border: 0; border-radius: var(--_space-xs); cursor: pointer;
}
${s} .lk-remove:hover { text-decoration: underline; }
${s} .lk-remove[aria-disabled='true'] { cursor: progress; }
${s} .lk-review-note { margin: 0; font-size: var(--_font-size-s); line-height: 1.45; color: var(--_text); }
@media (forced-colors: active) { ${s} .lk-passkeys .kind { border-color: CanvasText; } }
}`);

type ReviewOptions = SignInStepOptions<Extract<SignInView, { name: 'passkey-review' }>>;

/** The passkey whose removal is running, per review (a page may show more than one lk-sign-in). */
const removing = new WeakMap<PasskeyReview, string>();

const expired = (failure: unknown) => failure instanceof LatchkeyError && failure.code === 'code_expired';

/**
 * "Check your passkeys": the password works, and each passkey of the account
 * can be removed here, without a session; "Continue to sign in" goes on to the
 * password step with the reset's notice. Once the review is over (15 minutes,
 * `code_expired`), the list gives way to where passkeys can still be removed.
 */
export function render(o: ReviewOptions): StepScreen {
  const { review, ...next } = o.view.step;
  const over = expired(o.failure);

  const onRemove = async (event: Event, passkey: Passkey) => {
    if (o.form.pending) return;
    const form = (event.currentTarget as HTMLElement).closest('form')!;
    const at = review.passkeys.indexOf(passkey);
    let left: PasskeyReview | undefined;
    removing.set(review, passkey.id);
    await o.submit(async (conn, signal) => {
      left = await removePasskeysAfterReset(conn, { flow_id: review.flow_id, passkey_ids: [passkey.id] }, { signal });
      // The same step with what is left of the review: it stays on screen with the shorter list.
      return { ...next, review: { flow_id: left.flow_id, expires_at: left.expires_at, passkeys: left.passkeys } };
    });
    if (left) o.announce(msg(str`Removed ${passkey.name}`));
    // Focus stays in the list: the passkey that took this one's place, or Continue once none is left (or the list expired).
    const buttons = form.querySelectorAll<HTMLElement>('[data-remove]');
    if (left || !buttons.length) (buttons[Math.min(at, buttons.length - 1)] ?? form.querySelector<HTMLElement>('.lk-primary'))?.focus();
  };

  const onContinue = (event: SubmitEvent) => {
    event.preventDefault();
    o.goTo({ name: 'password', step: next });
  };

  return {
    title: msg('Check your passkeys'),
    form: html`<form class="lk-form" novalidate @submit=${onContinue}>
      <p class="lk-notice" role="status">${msg('Your password was changed. Sign in with the new one.')}</p>
      ${over
        ? nothing
        : review.passkeys.length
          ? html`<p class="lk-review-note">${msg("If you don't recognise a passkey, remove it: someone who could get into your account may have added it.")}</p>
              <ul class="lk-passkeys">
              ${review.passkeys.map((p) => renderRow(p, o.form.pending && removing.get(review) === p.id, (event) => void onRemove(event, p)))}
            </ul>`
          : html`<p class="lk-review-note">${msg('No passkeys are left on your account.')}</p>`}
      ${renderAlert(over ? msg('This list has expired. You can still remove passkeys from your account page once you have signed in.') : o.form.alert)}
      ${renderSubmit(msg('Continue to sign in'), false)}
    </form>`,
  };
}

function renderRow(p: Passkey, pending: boolean, onRemove: (event: Event) => void) {
  return html`<li>
    <span class="icon">${keyIcon}</span>
    ${renderPasskeyDetails(p)}
    <button type="button" class="lk-remove" data-remove aria-label=${msg(str`Remove ${p.name}`)} aria-disabled=${pending} @click=${onRemove}>
      ${pending ? html`<span class="lk-spinner" aria-hidden="true"></span>` : nothing}${msg('Remove')}
    </button>
  </li>`;
}
