import { afterEach, describe, expect, it, vi } from 'vitest';
import { html } from 'lit';
import { userEvent } from 'vitest/browser';
import type { SignInMethod } from '@latchkey/client';
import './user-profile.js';
import '../config/config.js';
import type { LkUserProfile } from './user-profile.js';
import type { LkConfig } from '../config/config.js';
import type { LkPasskeyAddedEvent } from '../events/passkey-added.js';
import type { LkPasskeyDeletedEvent } from '../events/passkey-deleted.js';
import type { LkPasskeyRenamedEvent } from '../events/passkey-renamed.js';
import { setLocale } from '../internal/localization.js';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';
import { installFakeAuthenticator, type FakeBrokerOptions, type FakeAuthenticator, type FakeAuthenticatorOptions } from '@latchkey/testing';

const ADA = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const methods: SignInMethod[] = ['password', 'email-code', 'passkey'];
/** The demo's social provider, offered to connect in the profile's Connected accounts section. */
const DEVHUB = { id: 'devhub', name: 'DevHub', icon: 'github' } as const;
let authenticator: FakeAuthenticator | undefined;

afterEach(async () => {
  cleanup();
  authenticator?.uninstall();
  authenticator = undefined;
  await setLocale(null);
});

const twoPasskeys: FakeBrokerOptions['passkeys'] = {
  [ADA]: [
    { name: 'Work laptop', createdAt: '2026-03-02T12:00:00Z', lastUsedAt: '2026-11-28T12:00:00Z', synced: true },
    { name: 'YubiKey', createdAt: '2026-10-15T12:00:00Z', lastUsedAt: null, synced: false },
  ],
};

/** lk-user-profile on the fake broker (passkeys on), with the fake authenticator in place of the browser's WebAuthn. */
async function profile(options: FakeBrokerOptions = {}, webauthn: FakeAuthenticatorOptions = {}) {
  const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], ...options });
  authenticator = installFakeAuthenticator(webauthn);
  const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}><a slot="signed-out" href="/sign-in">Sign in</a></lk-user-profile>`, 'lk-user-profile');
  return { broker, el, ...queries(el) };
}

function queries(el: LkUserProfile) {
  const root = el.shadowRoot!;
  const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  return {
    root,
    /** Each row as a designer reads it: name, then the meta line. */
    rows: () => [...root.querySelectorAll('[part~="passkey"]')].map((row) => text(row.querySelector('.details') ?? row)),
    names: () => [...root.querySelectorAll('[part~="passkey-name"]')].map((n) => n.textContent!.trim()),
    row: (name: string) => [...root.querySelectorAll<HTMLElement>('[part~="passkey"]')].find((r) => r.querySelector('[part~="passkey-name"]')?.textContent?.trim() === name)!,
    button: (scope: ParentNode, action: string) => scope.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!,
    alert: () => [...root.querySelectorAll('[role="alert"]')].map(text).filter(Boolean).join(' '),
    focused: () => root.activeElement,
    text: () => text(root.querySelector('[part~="base"]')),
  };
}

/** Waits until the list has loaded. */
async function listed(p: Awaited<ReturnType<typeof profile>>) {
  await until(() => p.root.querySelector('[part~="passkey-list"], .empty'));
}

describe('lk-user-profile: the passkeys list', () => {
  it('lists each passkey with its name, synced or this device only, created and last used (or never used), axe clean', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    expect(p.rows()).toEqual(['Work laptop Synced Created Mar 2, 2026 · Last used Nov 28, 2026', 'YubiKey This device only Created Oct 15, 2026 · Never used']);
    expect(p.root.querySelector('[part~="subtitle"]')!.textContent).toBe(ADA);
    expect(p.root.querySelector('[part~="section-title"]')!.textContent).toBe('Passkeys');
    // Each action says which passkey it is about, its visible word first (WCAG 2.5.3).
    expect(p.button(p.row('YubiKey'), 'rename').getAttribute('aria-label')).toBe('Rename YubiKey');
    expect(p.button(p.row('YubiKey'), 'delete').getAttribute('aria-label')).toBe('Delete YubiKey');
    expect(p.el.matches(':state(signed-in)')).toBe(true);
    expect(p.el.matches(':state(loading)')).toBe(false);
    // Each section reads its own list once.
    // (The email, password and sessions sections ask for their own, in whatever order their chunk lands.)
    expect(p.broker.requests.filter((r) => r !== 'GET /v1/password' && r !== 'GET /v1/sessions')).toEqual(['GET /v1/session', 'GET /v1/passkeys', 'GET /v1/mfa', 'GET /v1/identities']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('says so when there are none, and offers to add one', async () => {
    const p = await profile();
    await listed(p);
    expect(p.text()).toContain("You haven't added a passkey yet.");
    expect(p.button(p.root, 'add').textContent!.trim()).toBe('Add a passkey');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('shows placeholders while the session loads, and says it is loading', async () => {
    const p = await profile({ passkeys: twoPasskeys, latency: 3_600_000 });
    expect(p.el.matches(':state(loading)')).toBe(true);
    expect(p.root.querySelector('.skeleton-line')).not.toBeNull();
    expect(p.root.querySelector('[role="status"]')!.textContent).toBe('Loading your account…');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('shows placeholder rows while the list loads, and says it is loading', async () => {
    const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], passkeys: twoPasskeys });
    broker.stalled.add('/v1/passkeys');
    const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}></lk-user-profile>`, 'lk-user-profile');
    const q = queries(el);
    await until(() => q.root.querySelector('.skeleton'));
    expect(el.matches(':state(loading)')).toBe(true);
    expect(q.root.querySelector('[part~="subtitle"]')!.textContent).toBe(ADA);
    expect(q.root.querySelector('[aria-labelledby="passkeys-title"] [role="status"]')!.textContent).toBe('Loading your passkeys…');
    expect(q.root.querySelector('[data-action="add"]')).toBeNull();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('says why the list could not be read, and "Try again" reads it', async () => {
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], passkeys: twoPasskeys });
    broker.failNext.set('/v1/passkeys', 'network');
    const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}></lk-user-profile>`, 'lk-user-profile');
    const q = queries(el);
    await until(() => q.alert() === "We can't reach the sign-in service. Check your connection and try again.");
    expect(errors).toEqual(['network_error']);
    q.root.querySelector<HTMLButtonElement>('.failed button')!.click();
    await until(() => q.names().length === 2);
    expect(q.alert()).toBe('');
  });

  it("says plainly when the broker offers no passkeys, with nothing to retry and no lk-error", async () => {
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const p = await profile({ methods: ['password', 'email-code'] });
    await until(() => p.text().includes("This site doesn't offer passkeys."));
    expect(p.root.querySelector('[aria-labelledby="passkeys-title"] button')).toBeNull();
    expect(errors).toEqual([]);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('follows the session: a 401 from the broker signs the page out', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.broker.failNext.set('/v1/passkeys/options', 'unauthenticated');
    p.button(p.root, 'add').click();
    await until(() => p.el.matches(':state(signed-out)'));
    expect(p.text()).toContain('Sign in to manage your account.');
  });

  it('loads the next user’s passkeys when someone else signs in', async () => {
    const p = await profile({ accounts: { [ADA]: PASSWORD, 'bo@example.com': PASSWORD }, passkeys: { ...twoPasskeys, 'bo@example.com': [{ name: 'Bo’s phone' }] } });
    await listed(p);
    const client = (p.el as unknown as { client: import('@latchkey/client').LatchkeyClient }).client;
    await client.signOut();
    await until(() => p.el.matches(':state(signed-out)'));
    await client.signInWithPassword({ email: 'bo@example.com', password: PASSWORD });
    await until(() => p.names().join() === 'Bo’s phone');
  });
});

describe('lk-user-profile: signed out, unreachable, not configured', () => {
  it('signed out: says so, shows the page’s slot, asks the broker for nothing else', async () => {
    const p = await profile({ signedInAs: undefined });
    await until(() => p.el.matches(':state(signed-out)'));
    expect(p.text()).toContain('Sign in to manage your account.');
    const slot = p.root.querySelector<HTMLSlotElement>('slot[name="signed-out"]')!;
    expect(slot.assignedElements().map((a) => a.textContent)).toEqual(['Sign in']);
    expect(p.broker.requests).toEqual(['GET /v1/session']);
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('broker unreachable: says so, with "Try again" that reads the session again', async () => {
    const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB] });
    broker.failNext.set('/v1/session', 'network');
    const el = await mount<LkUserProfile>(html`<lk-user-profile .client=${broker.client()}></lk-user-profile>`, 'lk-user-profile');
    const q = queries(el);
    await until(() => el.matches(':state(error)'));
    expect(q.alert()).toBe("We can't reach the sign-in service. Check your connection and try again.");
    expect(await axeViolations(el)).toEqual([]);
    q.root.querySelector<HTMLButtonElement>('.retry button')!.click();
    await until(() => q.root.querySelector('.empty'));
    expect(el.matches(':state(signed-in)')).toBe(true);
  });

  it('not configured: says sign-in is not set up, reports not_configured, tells the developer', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const errors: string[] = [];
    document.addEventListener('lk-error', (e) => errors.push(e.detail.code), { once: true });
    const el = await mount<LkUserProfile>(html`<lk-user-profile></lk-user-profile>`, 'lk-user-profile');
    await until(() => errors.length === 1);
    // The message comes with the error-messages chunk; the generic text never shows first.
    await until(() => queries(el).alert());
    expect(errors).toEqual(['not_configured']);
    expect(queries(el).alert()).toBe("Sign-in isn't set up on this page yet.");
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });

  it('takes its client from <lk-config>', async () => {
    const broker = fakeBroker({ methods, accounts: { [ADA]: PASSWORD }, signedInAs: ADA, social: [DEVHUB], passkeys: twoPasskeys });
    const config = await mount<LkConfig>(html`<lk-config .client=${broker.client()}><lk-user-profile></lk-user-profile></lk-config>`, 'lk-config');
    const el = config.querySelector('lk-user-profile')!;
    await until(() => queries(el).names().length === 2);
  });
});

describe('lk-user-profile: renaming', () => {
  it('renames in place: the field opens focused with the name, Save sends it, the row shows it, focus returns, lk-passkey-renamed fires', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    const events: LkPasskeyRenamedEvent[] = [];
    p.el.addEventListener('lk-passkey-renamed', (e) => events.push(e));
    p.button(p.row('YubiKey'), 'rename').click();
    await until(() => p.focused()?.matches('.rename input') === true);
    const input = p.focused() as HTMLInputElement;
    expect(input.value).toBe('YubiKey');
    expect(input.labels![0]!.textContent).toBe('Passkey name');
    expect(input.maxLength).toBe(100);
    expect(await axeViolations(p.el)).toEqual([]);
    type(input, '  Blue security key ');
    input.form!.requestSubmit();
    await until(() => p.names().includes('Blue security key'));
    expect(p.broker.requests.filter((r) => r.startsWith('PATCH')).at(-1)).toBe('PATCH /v1/passkeys/pk_2');
    expect(events.map((e) => e.detail.passkey.name)).toEqual(['Blue security key']);
    expect(p.root.querySelector('.rename')).toBeNull();
    await until(() => p.focused() === p.button(p.row('Blue security key'), 'rename'));
    await until(() => p.root.querySelector('[aria-live="polite"]')!.textContent === 'Passkey renamed.');
  });

  it('checks the name before sending: empty is refused at the field, and nothing is sent', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.button(p.row('Work laptop'), 'rename').click();
    await until(() => p.focused()?.matches('.rename input') === true);
    const input = p.focused() as HTMLInputElement;
    type(input, '   ');
    input.form!.requestSubmit();
    await until(() => input.getAttribute('aria-invalid') === 'true');
    expect(p.root.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe('Enter a name for this passkey.');
    expect(p.broker.requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
    expect(p.focused()).toBe(input);
  });

  it('refuses a name longer than 100 characters (pasted past maxlength by a script)', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.button(p.row('Work laptop'), 'rename').click();
    await until(() => p.focused()?.matches('.rename input') === true);
    const input = p.focused() as HTMLInputElement;
    input.removeAttribute('maxlength');
    type(input, 'x'.repeat(101));
    input.form!.requestSubmit();
    await until(() => input.getAttribute('aria-invalid') === 'true');
    expect(p.alert()).toBe('Use at most 100 characters.');
    expect(p.broker.requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
  });

  it('shows the broker’s refusal at the field, and keeps the form open', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.button(p.row('Work laptop'), 'rename').click();
    await until(() => p.focused()?.matches('.rename input') === true);
    const input = p.focused() as HTMLInputElement;
    p.broker.failNext.set('/v1/passkeys/pk_1', 'network');
    type(input, 'Laptop');
    input.form!.requestSubmit();
    await until(() => p.alert() === "We can't reach the sign-in service. Check your connection and try again.");
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(p.names()).toEqual(['YubiKey']);
    // Escape closes the form without saving; focus goes back to the row's Rename.
    input.focus();
    await userEvent.keyboard('{Escape}');
    await until(() => p.names().join() === 'Work laptop,YubiKey');
    await until(() => p.focused() === p.button(p.row('Work laptop'), 'rename'));
  });

  it('Cancel closes the form, sends nothing, and opening it again shows no old error', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.button(p.row('Work laptop'), 'rename').click();
    await until(() => p.focused()?.matches('.rename input') === true);
    type(p.focused() as HTMLInputElement, '');
    (p.focused() as HTMLInputElement).form!.requestSubmit();
    await until(() => p.alert() === 'Enter a name for this passkey.');
    p.root.querySelector<HTMLButtonElement>('.rename .secondary')!.click();
    await until(() => !p.root.querySelector('.rename'));
    p.button(p.row('Work laptop'), 'rename').click();
    await until(() => p.root.querySelector('.rename'));
    expect(p.alert()).toBe('');
    expect(p.broker.requests.filter((r) => r.startsWith('PATCH'))).toEqual([]);
  });
});

describe('lk-user-profile: deleting', () => {
  it('asks first; Cancel keeps it and gives focus back to Delete', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    p.button(p.row('Work laptop'), 'delete').click();
    await until(() => p.focused() === p.button(p.root, 'cancel-delete'));
    const confirm = p.root.querySelector('[part~="confirm"]')!;
    expect(confirm.getAttribute('role')).toBe('group');
    expect(p.root.getElementById(confirm.getAttribute('aria-labelledby')!)!.textContent).toContain('Delete “\u2068Work laptop\u2069”?');
    expect(await axeViolations(p.el)).toEqual([]);
    // Escape says no, as Cancel does.
    await userEvent.keyboard('{Escape}');
    await until(() => p.focused() === p.button(p.row('Work laptop'), 'delete'));
    expect(p.root.querySelector('[part~="confirm"]')).toBeNull();
    expect(p.names()).toEqual(['Work laptop', 'YubiKey']);
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE'))).toEqual([]);
  });

  it('deletes after the yes: the row goes, focus moves to the next row, lk-passkey-deleted fires', async () => {
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    const events: LkPasskeyDeletedEvent[] = [];
    p.el.addEventListener('lk-passkey-deleted', (e) => events.push(e));
    p.button(p.row('Work laptop'), 'delete').click();
    await until(() => p.button(p.root, 'confirm-delete'));
    p.button(p.root, 'confirm-delete').click();
    await until(() => p.names().join() === 'YubiKey');
    expect(p.broker.requests.filter((r) => r.startsWith('DELETE')).at(-1)).toBe('DELETE /v1/passkeys/pk_1');
    expect(events.map((e) => e.detail.passkey.name)).toEqual(['Work laptop']);
    await until(() => p.focused() === p.button(p.row('YubiKey'), 'rename'));
    await until(() => p.root.querySelector('[aria-live="polite"]')!.textContent === 'Passkey deleted.');
    // The last one: focus goes to "Add a passkey".
    p.button(p.row('YubiKey'), 'delete').click();
    await until(() => p.button(p.root, 'confirm-delete'));
    p.button(p.root, 'confirm-delete').click();
    await until(() => p.root.querySelector('.empty'));
    await until(() => p.focused() === p.button(p.root, 'add'));
  });

  it('says clearly when the broker refuses to delete the last way in, and keeps the passkey', async () => {
    const p = await profile({ accounts: { [ADA]: null }, passkeys: { [ADA]: [{ name: 'Phone' }] } });
    await listed(p);
    p.button(p.row('Phone'), 'delete').click();
    await until(() => p.button(p.root, 'confirm-delete'));
    const errors: string[] = [];
    p.el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
    p.button(p.root, 'confirm-delete').click();
    await until(() => p.alert() === "You can't delete this passkey: it's the only way left to sign in to your account. Add another passkey first.");
    expect(errors).toEqual(['last_sign_in_method']);
    // Asking again would be refused again: only Cancel is left.
    expect(p.root.querySelector('[data-action="confirm-delete"]')).toBeNull();
    expect(p.focused()).toBe(p.button(p.root, 'cancel-delete'));
    expect(p.names()).toEqual(['Phone']);
    expect(await axeViolations(p.el)).toEqual([]);
    // Another row's confirmation does not show this refusal.
    p.button(p.root, 'cancel-delete').click();
    await until(() => !p.root.querySelector('[part~="confirm"]'));
    p.button(p.row('Phone'), 'delete').click();
    await until(() => p.button(p.root, 'confirm-delete'));
    expect(p.alert()).toBe('');
  });
});

describe('lk-user-profile: adding a passkey', () => {
  it('adds one through the browser’s dialog: options, create(), then the broker keeps it; the row shows it and lk-passkey-added fires', async () => {
    const p = await profile({ passkeys: twoPasskeys, clock: () => Date.parse('2026-11-30T12:00:00Z') }, { synced: false });
    await listed(p);
    const events: LkPasskeyAddedEvent[] = [];
    p.el.addEventListener('lk-passkey-added', (e) => events.push(e));
    p.button(p.root, 'add').click();
    await until(() => p.names().length === 3);
    expect(p.broker.requests.filter((r) => r.startsWith('POST '))).toEqual(['POST /v1/passkeys/options', 'POST /v1/passkeys']);
    expect(p.rows()[2]).toBe('Passkey This device only Created Nov 30, 2026 · Never used');
    expect(events.map((e) => e.detail.passkey.name)).toEqual(['Passkey']);
    // The authenticator was told which passkeys the account has, so it would not make a second.
    const options = authenticator!.ceremonies[0]!.publicKey as PublicKeyCredentialCreationOptions;
    expect(options.excludeCredentials).toHaveLength(2);
    await until(() => p.root.querySelector('[aria-live="polite"]')!.textContent === 'Passkey added.');
  });

  it('while the dialog is open: says to follow the browser, the button waits, and Cancel stops it quietly', async () => {
    const p = await profile({}, { outcome: 'never' });
    await listed(p);
    const errors: string[] = [];
    p.el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
    p.button(p.root, 'add').click();
    await until(() => p.el.matches(':state(adding-passkey)'));
    const add = p.button(p.root, 'add');
    expect(add.getAttribute('aria-disabled')).toBe('true');
    expect(add.textContent!.trim()).toBe('Waiting for your device…');
    expect(p.root.querySelector('.hint')!.textContent).toBe("Follow the steps in your browser's window.");
    // A second click does not start a second ceremony.
    add.click();
    expect(authenticator!.ceremonies).toHaveLength(1);
    expect(await axeViolations(p.el)).toEqual([]);
    p.button(p.root, 'cancel-add').click();
    await until(() => !p.el.matches(':state(adding-passkey)'));
    expect(p.button(p.root, 'add').textContent!.trim()).toBe('Add a passkey');
    expect(p.alert()).toBe('');
    expect(errors).toEqual([]);
    expect(p.broker.requests).not.toContain('POST /v1/passkeys');
  });

  for (const [outcome, message, options] of [
    ['cancel', 'Adding a passkey was cancelled. Nothing was changed.', {}],
    ['timeout', 'Your device took too long to answer, so no passkey was added. Try again when you are ready.', { passkeyTimeout: 1_100 }],
    ['already-registered', 'This device or password manager already has a passkey for your account. To add another, use a different one.', {}],
  ] as const) {
    it(`${outcome}: says so, adds nothing, and tells the page no error (it was the user's or the device's doing)`, async () => {
      const p = await profile({ passkeys: twoPasskeys, ...options }, { outcome });
      await listed(p);
      const errors: string[] = [];
      p.el.addEventListener('lk-error', (e) => errors.push(e.detail.code));
      p.button(p.root, 'add').click();
      await until(() => p.alert() === message, 3000);
      expect(p.names()).toEqual(['Work laptop', 'YubiKey']);
      expect(p.broker.requests).not.toContain('POST /v1/passkeys');
      expect(errors).toEqual([]);
      expect(await axeViolations(p.el)).toEqual([]);
      // Trying again works, and the message goes.
      authenticator!.outcome = 'succeed';
      p.button(p.root, 'add').click();
      await until(() => p.names().length === 3);
      expect(p.alert()).toBe('');
    });
  }

  it('says so when the broker already has that credential (passkey_exists)', async () => {
    const p = await profile();
    await listed(p);
    p.broker.failNext.set('/v1/passkeys', 'passkey_exists');
    // The list call takes that one-shot failure if it runs first; here the list is in, so the add takes it.
    p.button(p.root, 'add').click();
    await until(() => p.alert() === 'This device or password manager already has a passkey for your account. To add another, use a different one.');
  });

  it('unsupported browser: no button, and why', async () => {
    const p = await profile({ passkeys: twoPasskeys }, { outcome: 'unsupported' });
    await listed(p);
    expect(p.root.querySelector('[data-action="add"]')).toBeNull();
    expect(p.root.querySelector('[part~="unsupported"]')!.textContent!.trim()).toBe(
      "This browser can't create passkeys. To add one, open this page in an up-to-date browser such as Chrome, Edge, Firefox or Safari.",
    );
    // Renaming and deleting still work.
    expect(p.button(p.row('YubiKey'), 'rename')).not.toBeNull();
    expect(await axeViolations(p.el)).toEqual([]);
  });
});

describe('lk-user-profile in German and Arabic', () => {
  it('German: strings and dates in German', async () => {
    await setLocale('de');
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    expect(p.root.querySelector('[part~="title"]')!.textContent).toBe('Ihr Konto');
    expect(p.rows()).toEqual([
      `Work laptop Synchronisiert Erstellt am ${new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date('2026-03-02T12:00:00Z'))} · Zuletzt verwendet am ${new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date('2026-11-28T12:00:00Z'))}`,
      `YubiKey Nur dieses Gerät Erstellt am ${new Intl.DateTimeFormat('de', { dateStyle: 'medium' }).format(new Date('2026-10-15T12:00:00Z'))} · Noch nie verwendet`,
    ]);
    expect(p.button(p.root, 'add').textContent!.trim()).toBe('Passkey hinzufügen');
    expect(await axeViolations(p.el)).toEqual([]);
  });

  it('Arabic: right to left inside the card, dates in Arabic, the element itself left as the page lays it out', async () => {
    await setLocale('ar');
    const p = await profile({ passkeys: twoPasskeys });
    await listed(p);
    const base = p.root.querySelector<HTMLElement>('[part~="base"]')!;
    expect(base.getAttribute('dir')).toBe('rtl');
    expect(getComputedStyle(p.row('YubiKey')).direction).toBe('rtl');
    expect(p.el.hasAttribute('dir')).toBe(false);
    expect(p.rows()[1]).toContain(new Intl.DateTimeFormat('ar', { dateStyle: 'medium' }).format(new Date('2026-10-15T12:00:00Z')));
    expect(p.root.querySelector('[part~="section-title"]')!.textContent).not.toBe('Passkeys');
    expect(await axeViolations(p.el)).toEqual([]);
  });
});
