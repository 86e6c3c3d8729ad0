import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import './user-profile.js';
import type { LkUserProfile } from './user-profile.js';
import type { LkMfaEnrolledEvent } from '../events/mfa-enrolled.js';
import { setLocale } from '../internal/localization.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { FAKE_APP_CODE, type FakeBrokerOptions } from '@latchkey/testing';

// lk-user-profile's "Two-step verification" section on the fake broker: off, enrolling an
// authenticator app (its QR code, key and light-DOM "Verification code" field), the recovery
// codes shown once, then on, with regenerate and remove. The broker's own rules are its tests'.

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  await setLocale(null);
});

async function profile(options: FakeBrokerOptions = {}) {
  const broker = fakeBroker({ accounts: { [ADA]: PASSWORD }, signedInAs: ADA, ...options });
  const enrolled: LkMfaEnrolledEvent[] = [];
  const errors: string[] = [];
  const el = await mount<LkUserProfile>(
    html`<lk-user-profile .client=${broker.client()} @lk-mfa-enrolled=${(e: LkMfaEnrolledEvent) => enrolled.push(e)} @lk-error=${(e: CustomEvent<{ code: string }>) => errors.push(e.detail.code)}></lk-user-profile>`,
    'lk-user-profile',
  );
  const root = el.shadowRoot!;
  const section = () => root.querySelector<HTMLElement>('section[aria-labelledby="two-step-title"]')!;
  const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const light = () => el.querySelector<HTMLElement>('[slot="two-step"]');
  return {
    broker,
    el,
    root,
    enrolled,
    errors,
    section,
    light,
    says: () => text(section()),
    button: (action: string) => (root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`) ?? el.querySelector<HTMLButtonElement>(`[data-action="${action}"]`))!,
    codeField: () => document.querySelector<HTMLInputElement>('input[autocomplete="one-time-code"]'),
    codes: () => [...el.querySelectorAll('.lk-codes li')].map((li) => li.textContent!.trim()),
  };
}

type Profile = Awaited<ReturnType<typeof profile>>;

/** "Set up an authenticator app", until the QR code and the key are on screen. */
async function startSetUp(p: Profile) {
  await until(() => p.button('set-up'));
  p.button('set-up').click();
  await until(() => p.codeField());
}

describe('lk-user-profile: two-step verification', () => {
  it('is off at first, with "Set up an authenticator app", axe clean', async () => {
    const p = await profile();
    await until(() => p.button('set-up'));
    expect(p.says()).toContain('Two-step verification is off.');
    expect(p.button('set-up').textContent!.trim()).toBe('Set up an authenticator app');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('enrols an app: QR code and key in groups of four, the light-DOM "Verification code" field, then ten recovery codes shown once', async () => {
    const p = await profile();
    await startSetUp(p);
    expect(p.el.matches(':state(enrolling-mfa)')).toBe(true);
    expect(p.section().querySelector('.panel-title')!.textContent).toBe('Set up your authenticator app');
    // The QR code of the otpauth URI, and the key to type by hand.
    expect(p.el.querySelector('svg[role="img"]')!.getAttribute('aria-label')).toBe('QR code for your authenticator app');
    const key = p.el.querySelector<HTMLElement>('.lk-key')!;
    expect(key.textContent).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(key.dataset.key).toBe(key.textContent!.replace(/ /g, ''));
    // The code field is in the light DOM, where password managers look, with its label.
    const field = p.codeField()!;
    expect(p.el.contains(field)).toBe(true);
    expect(field.labels![0]!.textContent).toBe('Verification code');
    expect(document.activeElement).toBe(field);
    expect(await axeViolations(p.el)).toEqual([]);

    type(field, FAKE_APP_CODE);
    await until(() => p.codes().length === 10);
    expect(p.enrolled).toHaveLength(1);
    expect(p.enrolled[0]!.detail.factor).toMatchObject({ type: 'totp', id: expect.stringMatching(/^totp_/) });
    expect(p.section().querySelector('.panel-title')!.textContent).toBe('Save your recovery codes');
    for (const code of p.codes()) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(document.activeElement).toBe(p.button('copy-codes'));
    expect(await axeViolations(p.el)).toEqual([]);

    p.button('saved-codes').click();
    await until(() => p.button('remove-app'));
    expect(p.light()?.textContent?.trim() ?? '').toBe('');
    expect(p.says()).toContain('Authenticator app');
    expect(p.says()).toContain('10 recovery codes left.');
    await until(() => p.root.activeElement === p.button('remove-app'));
  });

  it('refuses a wrong code at the field, and takes the right one after it', async () => {
    const p = await profile();
    await startSetUp(p);
    type(p.codeField()!, '000000');
    await until(() => p.codeField()!.getAttribute('aria-invalid') === 'true');
    expect(document.getElementById(p.codeField()!.getAttribute('aria-describedby')!)!.textContent).toContain("That code didn't work.");
    expect(p.errors).toEqual(['invalid_code']);
    type(p.codeField()!, FAKE_APP_CODE);
    await until(() => p.codes().length === 10);
  });

  it('checks the code before sending it', async () => {
    const p = await profile();
    await startSetUp(p);
    type(p.codeField()!, '12');
    p.codeField()!.form!.requestSubmit();
    await until(() => p.codeField()!.getAttribute('aria-invalid') === 'true');
    expect(p.broker.requests).not.toContain('POST /v1/mfa/totp/confirm');
  });

  it('Cancel leaves two-step verification off and gives focus back to "Set up"', async () => {
    const p = await profile();
    await startSetUp(p);
    p.button('cancel-enrol').click();
    await until(() => p.root.activeElement === p.button('set-up'));
    expect(p.codeField()).toBeNull();
    expect(p.says()).toContain('Two-step verification is off.');
  });

  it('copies the key and downloads the codes as a text file', async () => {
    const p = await profile();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();
    await startSetUp(p);
    p.button('copy-key').click();
    await until(() => writeText.mock.calls.length === 1);
    expect(writeText.mock.calls[0]![0]).toBe(p.el.querySelector<HTMLElement>('.lk-key')!.dataset.key);
    type(p.codeField()!, FAKE_APP_CODE);
    await until(() => p.codes().length === 10);
    const blobs: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (blobs.push(blob as Blob), 'blob:fake'));
    const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe('recovery-codes.txt');
    });
    p.button('download-codes').click();
    expect(createObjectURL).toHaveBeenCalledOnce();
    expect(clicks).toHaveBeenCalledOnce();
    expect(blobs[0]!.type).toBe('text/plain;charset=utf-8');
    const file = await blobs[0]!.text();
    for (const code of p.codes()) expect(file).toContain(`\n${code}`);
    expect(file).toContain(ADA);
    p.button('copy-codes').click();
    await until(() => writeText.mock.calls.length === 2);
    expect(writeText.mock.calls[1]![0]).toBe(file);
  });

  it('on: the app with its dates and the codes left; regenerating asks first, then shows ten new codes', async () => {
    const p = await profile({ totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t', 'w3n8c-r6v2h'] } });
    await until(() => p.button('regenerate'));
    expect(p.says()).toContain('Added');
    expect(p.says()).toContain('2 recovery codes left.');
    expect(await axeViolations(p.el)).toEqual([]);
    p.button('regenerate').click();
    await until(() => p.root.activeElement === p.button('cancel-regenerate'));
    expect(p.says()).toContain('Make new recovery codes?');
    expect(await axeViolations(p.el)).toEqual([]);
    p.button('confirm-regenerate').click();
    await until(() => p.codes().length === 10);
    expect(p.says()).toContain('10 recovery codes left.');
    expect(p.codes()).not.toContain('k7m2p-q9x4t');
    expect(await axeViolations(p.el)).toEqual([]);
    p.button('saved-codes').click();
    await until(() => p.codes().length === 0 && p.button('regenerate'));
  });

  it('removes the app after a yes: off again, its codes gone', async () => {
    const p = await profile({ totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t'] } });
    await until(() => p.button('remove-app'));
    p.button('remove-app').click();
    await until(() => p.root.activeElement === p.button('cancel-remove'));
    expect(p.says()).toContain('Remove your authenticator app?');
    expect(await axeViolations(p.el)).toEqual([]);
    p.button('confirm-remove').click();
    await until(() => p.button('set-up'));
    expect(p.says()).toContain('Two-step verification is off.');
    expect(p.broker.requests).toContain('DELETE /v1/mfa/totp/totp_1');
  });

  it('says why new codes could not be made, and keeps the old ones', async () => {
    const p = await profile({ totp: { [ADA]: '314159' }, recoveryCodes: { [ADA]: ['k7m2p-q9x4t'] } });
    p.broker.failNext.set('/v1/mfa/recovery-codes', 'network');
    await until(() => p.button('regenerate'));
    p.button('regenerate').click();
    await until(() => p.button('confirm-regenerate'));
    p.button('confirm-regenerate').click();
    await until(() => p.section().querySelector('.confirm [role="alert"]'));
    expect(p.section().querySelector('.confirm [role="alert"]')!.textContent).toContain("We can't reach the sign-in service");
    expect(p.errors).toEqual(['network_error']);
    expect(p.says()).toContain('1 recovery code left.');
    expect(await axeViolations(p.el)).toEqual([]);
  });
});
