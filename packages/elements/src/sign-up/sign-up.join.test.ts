import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './sign-up.js';
import type { LkSignUp } from './sign-up.js';
import type { LkOrgChangedEvent } from '../events/org-changed.js';
import type { FakeBrokerOptions } from '@latchkey/testing';
import { axeViolations, cleanup, fakeBroker, mount, type, until } from '../internal/test-helpers.js';

const here = location.href;
afterEach(() => {
  cleanup();
  history.replaceState(null, '', here);
});

const INVITATION = 'it_story_invitation_0123456789abcdef';
const LINK = 'il_story_link_0123456789abcdefghij';

/** Acme, owned by Bo, with an invitation for dan@example.com as admin and a link for members. */
function acmeBroker(options: FakeBrokerOptions = {}) {
  const broker = fakeBroker(options);
  broker.orgs.seed({
    organizations: [
      {
        id: 'org_acme',
        name: 'Acme',
        members: { 'bo@acme.test': 'owner' },
        invitations: [{ email: 'dan@example.com', role: 'admin', token: INVITATION }],
        links: [{ role: 'member', token: LINK, maxUses: 5 }],
      },
    ],
  });
  return broker;
}

async function card(broker: ReturnType<typeof acmeBroker>, attrs: { invitation?: string; invite?: string; returnTo?: string; navigate?: (url: string) => void } = {}) {
  const el = await mount<LkSignUp>(
    html`<lk-sign-up .client=${broker.client()} .invitation=${attrs.invitation} .invite=${attrs.invite} .returnTo=${attrs.returnTo} .navigate=${attrs.navigate}></lk-sign-up>`,
    'lk-sign-up',
  );
  const heading = () => el.shadowRoot!.querySelector('[part~="title"]')!.textContent!.replace(/[\u2068\u2069]/g, '');
  const subtitle = () => el.shadowRoot!.querySelector('[part~="subtitle"]')?.textContent?.replace(/[\u2068\u2069]/g, '') ?? '';
  const input = (autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]`)!;
  const changes: LkOrgChangedEvent['detail'][] = [];
  el.addEventListener('lk-org-changed', (e) => changes.push(e.detail));
  return { el, heading, subtitle, input, changes };
}

/** Makes the account with the form on screen (password, then the mailed code). */
async function signUp(c: Awaited<ReturnType<typeof card>>, broker: ReturnType<typeof acmeBroker>, email?: string) {
  if (email) type(c.input('username'), email);
  type(c.input('new-password'), 'analytical engine');
  c.el.querySelector('form')!.requestSubmit();
  await until(() => c.heading() === 'Check your email');
  type(c.input('one-time-code'), broker.lastCode(email ?? c.input('username').value));
}

describe('lk-sign-up with an invitation', () => {
  it('previews the invitation with its address fixed, makes the account, joins, switches and fires lk-org-changed', async () => {
    const broker = acmeBroker();
    const c = await card(broker, { invitation: INVITATION });
    await until(() => c.heading() === 'Join Acme');
    expect(c.subtitle()).toBe('Create your account to join Acme as Admin.');
    const email = c.input('username');
    expect(email.value).toBe('dan@example.com');
    expect(email.readOnly).toBe(true);
    expect(await axeViolations(c.el)).toEqual([]);
    await signUp(c, broker);
    await until(() => c.changes.length === 1);
    expect(c.changes[0]).toMatchObject({ org_id: 'org_acme', organization: { name: 'Acme', role: 'admin' } });
    await until(() => c.heading() === 'You’ve joined Acme');
    expect(c.subtitle()).toBe('Your role in Acme: Admin.');
    expect(broker.orgs.roleOf('org_acme', 'dan@example.com')).toBe('admin');
    // The passkey offer's probe aside: the account, then the join, then the switch.
    expect(broker.requests.filter((r) => r.startsWith('POST') && !r.includes('/passkeys/'))).toEqual(['POST /v1/sign-up', 'POST /v1/sign-up/verify', 'POST /v1/invitations/accept', 'POST /v1/session/org']);
    // The heading took focus, so the result is read out.
    expect(c.el.shadowRoot!.activeElement).toBe(c.el.shadowRoot!.querySelector('[part~="title"]'));
  });

  it('reads an invite link from the page’s URL, lets any address sign up, and joins with the link’s role', async () => {
    history.replaceState(null, '', `?lk_invite=${LINK}`);
    const broker = acmeBroker();
    const c = await card(broker);
    await until(() => c.heading() === 'Join Acme');
    expect(c.subtitle()).toBe('Create your account to join Acme as Member.');
    expect(c.input('username').readOnly).toBe(false);
    expect(c.input('username').value).toBe('');
    await signUp(c, broker, 'eve@example.com');
    await until(() => c.changes.length === 1);
    expect(broker.orgs.roleOf('org_acme', 'eve@example.com')).toBe('member');
    expect(broker.requests).toContain('POST /v1/invite-links/join');
  });

  it('offers "Join" to someone signed in already, and goes to return-to once joined', async () => {
    const broker = acmeBroker({ accounts: { 'eve@example.com': 'pw' }, signedInAs: 'eve@example.com' });
    const went: string[] = [];
    const c = await card(broker, { invite: LINK, returnTo: '/acme', navigate: (url) => went.push(url) });
    await until(() => c.heading() === 'Join Acme');
    expect(c.subtitle()).toBe('You’re signed in as eve@example.com. Join Acme as Member?');
    expect(c.el.querySelector('input')).toBeNull();
    const join = c.el.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect(join.textContent!.replace(/[\u2068\u2069]/g, '').trim()).toBe('Join Acme');
    expect(await axeViolations(c.el)).toEqual([]);
    join.click();
    await until(() => c.changes.length === 1);
    await until(() => went.length === 1);
    expect(went).toEqual(['/acme']);
    expect(c.heading()).toBe('You’ve joined Acme');
  });

  it('refuses an invitation for another address, and says so', async () => {
    const broker = acmeBroker({ accounts: { 'eve@example.com': 'pw' }, signedInAs: 'eve@example.com' });
    const c = await card(broker, { invitation: INVITATION });
    await until(() => c.heading() === 'Join Acme');
    c.el.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => c.el.querySelector('[role="alert"]')!.textContent === 'This invitation was sent to another email address. Sign in with that address to accept it.');
    expect(c.changes).toEqual([]);
    expect(broker.orgs.roleOf('org_acme', 'eve@example.com')).toBeUndefined();
  });

  it('says an unknown or used invitation can’t be used, and still makes an account without it', async () => {
    const broker = acmeBroker();
    const c = await card(broker, { invitation: 'it_nothing_like_this' });
    await until(() => c.heading() === 'This invitation can’t be used');
    expect(c.subtitle()).toBe('This invitation is no longer valid. It may have expired, been used or been withdrawn. Ask for a new one.');
    expect(await axeViolations(c.el)).toEqual([]);
    [...c.el.querySelectorAll('button')].find((b) => b.textContent === 'Create an account without it')!.click();
    await until(() => c.heading() === 'Create your account');
    expect(c.input('username').readOnly).toBe(false);
    await signUp(c, broker, 'fay@example.com');
    await until(() => c.heading() === 'Welcome aboard');
    expect(broker.requests.filter((r) => r.includes('accept') || r.includes('join'))).toEqual([]);
  });

  it('says so when an invite link is used up', async () => {
    const broker = acmeBroker();
    broker.orgs.seed({ organizations: [{ name: 'Globex', members: { 'bo@globex.test': 'owner' }, links: [{ role: 'member', token: 'il_used_up_0123456789abcdef', maxUses: 1, uses: 1 }] }] });
    const c = await card(broker, { invite: 'il_used_up_0123456789abcdef' });
    await until(() => c.heading() === 'This invitation can’t be used');
  });
});
