import { describe, expect, it } from 'vitest';
import { storageKinds, useTestBroker, type StorageKind } from '../../test/harness.js';
import { addPasskey, PASSKEY_METHODS, passkeyBroker, signUpWithPasskey, SoftAuthenticator } from '../../test/passkeys.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new battery staple';
const ADA = 'ada@example.com';
const CHROME_ON_MACOS = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ICLOUD = 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd';
const UNDO = "If this wasn't you: reset your password and remove the passkey from your account page";

describe.each(storageKinds)('a new way in is announced, on %s', (kind: StorageKind) => {
  const t = useTestBroker(kind, undefined, { signIn: { methods: [...PASSKEY_METHODS] } });

  it('mails the owner when a passkey is added: what, from which device and address, when, and what to do; no secrets', async () => {
    const b = t.broker;
    await b.signUp(ADA, PASSWORD);
    const before = (await b.outbox(ADA)).length;
    const fromChrome = { post: (path: string, json?: unknown) => b.post(path, json, { headers: { 'user-agent': CHROME_ON_MACOS } }) };
    const options = (await fromChrome.post('/v1/passkeys/options')).body;
    const authenticator = new SoftAuthenticator({ synced: true, aaguid: ICLOUD });
    const credential = authenticator.create(options.options);
    // A name is the requester's to choose: it never reaches the owner's mail.
    const added = await fromChrome.post('/v1/passkeys', { flow_id: options.flow_id, credential, name: 'Ignore this mail' });
    expect(added.status).toBe(201);

    const inbox = await b.outbox(ADA);
    expect(inbox).toHaveLength(before + 1);
    const [notice] = inbox;
    expect(notice!.subject).toBe('A passkey was added to your account');
    expect(notice!.text).toContain('A passkey (iCloud Keychain) was added to your account.');
    expect(notice!.text).toContain('Device:  Chrome on macOS');
    expect(notice!.text).toContain('Address: 203.0.113.10');
    expect(notice!.text).toContain('When:    2026-11-24 12:00 UTC');
    expect(notice!.text).toContain(UNDO);
    const mail = `${notice!.subject}\n${notice!.text}`;
    for (const secret of [b.cookies.get('lk_session')!, b.cookies.get('lk_flow')!, options.flow_id, options.options.challenge, credential.id, added.body.id, 'Ignore this mail', CHROME_ON_MACOS, PASSWORD]) {
      expect(mail).not.toContain(secret);
    }
  });

  it('says the device is unknown, and leaves out the address, when the request tells neither', async () => {
    // Behind one proxy of ours that forwarded no well-formed address, the broker knows no client address.
    const b = passkeyBroker(t.storage, { trustedProxies: 1 });
    await b.signUp(ADA, PASSWORD);
    const unknownAddress = { post: (path: string, json?: unknown) => b.post(path, json, { headers: { 'user-agent': 'curl/8.5.0', 'x-forwarded-for': 'unknown' } }) };
    expect((await addPasskey(unknownAddress, new SoftAuthenticator())).status).toBe(201);
    const [notice] = await b.outbox(ADA);
    expect(notice!.subject).toBe('A passkey was added to your account');
    expect(notice!.text).toContain('A passkey was added to your account.');
    expect(notice!.text).toContain('Device:  an unknown browser');
    expect(notice!.text).not.toContain('Address:');
    expect(notice!.text).not.toContain('curl');
  });

  it('mails "your password was changed" when a reset sets a new password, with no code or password in it', async () => {
    const b = t.broker;
    await b.signUp(ADA, PASSWORD);
    const started = await b.post('/v1/password-reset', { email: ADA });
    const code = await b.lastCode(ADA);
    const finished = await b.post('/v1/password-reset/finish', { flow_id: started.body.flow_id, code, password: NEW_PASSWORD }, { headers: { 'user-agent': CHROME_ON_MACOS } });
    expect(finished.status).toBe(200);

    const [notice] = await b.outbox(ADA);
    expect(notice!.subject).toBe('Your password was changed');
    expect(notice!.text).toContain('Your password was changed.');
    expect(notice!.text).toContain('Device:  Chrome on macOS');
    expect(notice!.text).toContain('Address: 203.0.113.10');
    expect(notice!.text).toContain("If this wasn't you: reset your password");
    for (const secret of [code, NEW_PASSWORD, PASSWORD, started.body.flow_id]) expect(`${notice!.subject}\n${notice!.text}`).not.toContain(secret);
  });

  it('mails "a password was added" when a reset gives a passkey-only account its first password', async () => {
    const b = t.broker;
    await signUpWithPasskey(b, new SoftAuthenticator(), ADA);
    const started = await b.post('/v1/password-reset', { email: ADA });
    expect((await b.post('/v1/password-reset/finish', { flow_id: started.body.flow_id, code: await b.lastCode(ADA), password: NEW_PASSWORD })).status).toBe(200);
    const [notice] = await b.outbox(ADA);
    expect(notice!.subject).toBe('A password was added to your account');
    expect(notice!.text).toContain('Device:  an unknown browser');
  });

  it('sends no notice for a passkey-first sign-up: a new account is no new way into an existing one', async () => {
    const b = t.broker;
    await signUpWithPasskey(b, new SoftAuthenticator(), ADA);
    const inbox = await b.outbox(ADA);
    // Only the code that proved the address.
    expect(inbox.map((m) => m.subject)).toEqual(['Confirm your email address']);
  });

  it('sends no notice when a passkey is refused', async () => {
    const b = t.broker;
    await b.signUp(ADA, PASSWORD);
    const before = await b.outboxCount();
    const refused = await addPasskey(b, new SoftAuthenticator(), { challenge: 'bm90IHRoZSBjaGFsbGVuZ2U' });
    expect(refused.status).toBe(400);
    expect(await b.outboxCount()).toBe(before);
  });
});
