import { enrollMfa, LatchkeyError, type Step } from '@latchkey/client';
import { html, nothing } from 'lit';
import { msg, str } from '../../internal/localize.js';
import { addFormStyles, formScope as s } from '../../internal/form-styles.js';
import { renderAlert } from '../../internal/templates/alert.js';
import { submitWhenComplete } from '../../internal/templates/code-field.js';
import { linkStyles } from '../../internal/templates/links.js';
import { renderSubmit } from '../../internal/templates/submit.js';
import { renderTotpField } from '../../internal/templates/totp-field.js';
import type { SignInStepOptions, SignInView, StepScreen } from '../sign-in.steps.js';

// Enrolment during sign-in (issue 23 §2): lk-sign-in imports this chunk the first time the broker
// answers `mfa-enroll` (a member of an organization that requires MFA, with no second factor yet).

// The QR encoder (uqr, about 4 kB) is a chunk of its own, asked for as this one loads (in the time
// the user reads the step, the QR code is drawn): the step's own chunk stays within its budget.
let qr: typeof import('../../internal/qr-code.js') | undefined;
const qrLoaded = import('../../internal/qr-code.js').then((module) => (qr = module));

addFormStyles(linkStyles);
addFormStyles(`@layer latchkey{
${s} .lk-qr{display:grid;place-items:center;margin:0}
${s} .lk-qr svg{inline-size:10rem;block-size:10rem;background:#fff;border-radius:var(--_space-xs)}
${s} .lk-key{display:flex;align-items:center;justify-content:space-between;gap:var(--_space-s);margin:0;font-size:var(--_font-size-s)}
${s} .lk-key code{display:block;font-size:var(--_font-size-m,1rem);font-weight:550}
${s} .lk-key .lk-link{white-space:nowrap}
${s} :is(.lk-key code,.lk-codes){font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;direction:ltr;unicode-bidi:isolate}
${s} .lk-codes{display:grid;grid-template-columns:repeat(2,1fr);gap:var(--_space-xs) var(--_space-m);margin:0;padding:var(--_space-s) var(--_space-m);list-style:none;border:var(--_border-width) solid var(--_border);border-radius:var(--_space-xs)}
${s} .lk-row{display:flex;gap:var(--_space-s)}}`);
type EnrollView = Extract<SignInView, { name: 'mfa-enroll' }>;

/** The key as people copy it by hand: groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * "Set up two-step verification": the organization that requires it, the QR code for the
 * authenticator app, the key as text (grouped, with Copy) for typing in instead, and the
 * app's first code ("Verification code", submitted once six digits are in). Then, from
 * the same step, the recovery codes (Copy, Download) and Continue, which signs in: the
 * user sees them before the page moves on.
 */
export function render(o: SignInStepOptions<EnrollView>): StepScreen {
  const { step, done } = o.view;
  const copy = (text: string) => () => void navigator.clipboard?.writeText(text).then(() => o.announce(msg('Copied.', { id: 'mfa-enroll.copied' })));
  if (done) {
    const codes = done.recovery_codes ?? [];
    const download = () => {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
      link.download = 'recovery-codes.txt';
      link.click();
      URL.revokeObjectURL(link.href);
    };
    return {
      title: msg('Save your recovery codes', { id: 'mfa-enroll.codes-title' }),
      subtitle: msg('If you lose your phone, each of these codes signs you in once. Keep them somewhere safe: they are shown only now.', {
        id: 'mfa-enroll.codes-subtitle',
      }),
      // Continue hands the broker's `done` to the flow: the session starts for the page, lk-signed-in fires, return_to is followed.
      form: html`<form class="lk-form" novalidate @submit=${(event: SubmitEvent) => (event.preventDefault(), o.submit(async () => done))}>
        <ul class="lk-codes" aria-label=${msg('Recovery codes', { id: 'mfa-enroll.codes-label' })}>
          ${codes.map((code) => html`<li>${code}</li>`)}
        </ul>
        <div class="lk-row">
          <button type="button" class="lk-secondary" @click=${copy(codes.join('\n'))}>${msg('Copy', { id: 'mfa-enroll.copy' })}</button>
          <button type="button" class="lk-secondary" @click=${download}>${msg('Download', { id: 'mfa-enroll.download' })}</button>
        </div>
        ${renderSubmit(msg('Continue', { id: 'mfa-enroll.continue' }), false)}
      </form>`,
    };
  }
  // Drawn again with the QR code once its chunk is in (the same view: focus and typing stay).
  if (!qr) void qrLoaded.then(() => o.goTo(o.view));
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const values = o.validate(['totp']);
    if (!values) return;
    o.submit(async (conn, signal) => {
      const next = await enrollMfa(conn, { flow_id: step.flow_id, code: values.totp! }, { signal });
      // The session is open, but the page hears of it only once the user has seen the recovery codes (Continue).
      return next.step === 'done' && next.recovery_codes?.length ? ({ ...step, done: next } as Step) : next;
    });
  };
  const dead = o.failure instanceof LatchkeyError && ['too_many_attempts', 'code_expired'].includes(o.failure.code);
  const organization = step.organization;
  return {
    title: msg('Set up two-step verification', { id: 'mfa-enroll.title' }),
    subtitle: msg(str`${organization} requires two-step verification. Scan the QR code with your authenticator app, then enter the code it shows.`, {
      id: 'mfa-enroll.subtitle',
    }),
    form: html`<form class="lk-form" novalidate @submit=${onSubmit} @input=${submitWhenComplete}>
      <figure class="lk-qr">${qr ? qr.qrCode(step.uri, msg('QR code for your authenticator app', { id: 'mfa-enroll.qr-label' })) : nothing}</figure>
      <p class="lk-key">
        <span>${msg('Or enter this key:', { id: 'mfa-enroll.key' })} <code>${grouped(step.secret)}</code></span>
        <button type="button" class="lk-link" @click=${copy(step.secret)}>${msg('Copy key', { id: 'mfa-enroll.copy-key' })}</button>
      </p>
      ${renderTotpField(o.form, msg('Verification code'), step.attempts_left)}
      ${renderAlert(dead ? msg('This sign-in has expired. Go back and sign in again.', { id: 'mfa.expired' }) : o.form.alert)}
      ${renderSubmit(msg('Verify', { id: 'mfa.verify' }), o.form.pending)}
      <div class="lk-links"><button type="button" class="lk-link" @click=${() => o.goTo({ name: 'identifier' })}>${msg('Back to sign in')}</button></div>
    </form>`,
  };
}
