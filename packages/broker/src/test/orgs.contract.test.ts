import {
  acceptInvitation,
  addDomain,
  auditCsvUrl,
  deleteRole,
  getOrgPolicies,
  listAuditEvents,
  listRoles,
  updateRole,
  approveAccessRequest,
  createInvitation,
  createInviteLink,
  createOrganization,
  createRole,
  denyAccessRequest,
  joinWithInviteLink,
  listAccessRequests,
  listInviteLinks,
  listJoinableOrganizations,
  listMembers,
  listMyAccessRequests,
  listOrganizations,
  ORG_PERMISSIONS,
  previewInvitation,
  previewInviteLink,
  removeMember,
  requestAccess,
  revokeInvitation,
  switchOrganization,
  updateDomain,
  updateMember,
  updateOrganization,
  updateOrgPolicies,
  verifyMfa,
  type Organization,
} from '@latchkey/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, decodeJwt, isoDate, keys, makeSubject, PASSWORD, rejection, type Kind, type Setup, type Subject } from './contract-subject.js';

/**
 * Organizations (issue 24) as a client meets them, on the in-memory broker that
 * stories and element tests run on and on the real one: creating and renaming,
 * members' roles and the refusals that guard them, joining by invitation, invite
 * link and access request, and the switch into an organization with its token's
 * claims. Each scenario is one browser: another user signs in after a sign-out.
 */

const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const DAN = 'dan@example.com';
const ORG_KEYS = ['created_at', 'id', 'name', 'permissions', 'policy', 'role', 'slug'];
const MEMBER_KEYS = ['email', 'joined_at', 'name', 'out_of_policy', 'role', 'source', 'user_id'];

describe.each<Kind>(['fake', 'real'])('organizations contract: %s broker', (kind) => {
  let subject: Subject | undefined;
  const open = async (setup?: Setup) => (subject = await makeSubject(kind, setup));
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });

  /** Signs `email` in (after signing out whoever was), as another person at the same browser. */
  async function signInAs(email: string) {
    const { client } = subject!;
    await client.signOut();
    expect((await client.signInWithPassword({ email, password: PASSWORD })).step).toBe('done');
    return client;
  }

  /** Acme: Alice its only owner, Bob an admin, Carol a member. */
  const ACME: Setup = { accounts: [ALICE, BOB, CAROL, DAN], orgs: { Acme: { members: { [ALICE]: 'owner', [BOB]: 'admin', [CAROL]: 'member' } } } };

  /** A member's user id, as the members list shows it. */
  async function userIdOf(orgId: string, email: string) {
    const { members } = await listMembers(subject!.client.connection, orgId);
    return members.find((m) => m.email === email)!.user_id;
  }

  it('creates an organization owned by its creator, lists it, renames it, and refuses a slug taken', async () => {
    await open({ accounts: [ALICE] });
    const client = await signInAs(ALICE);
    const created = await createOrganization(client.connection, { name: 'Acme Rockets' });
    expect(keys(created)).toEqual(ORG_KEYS);
    expect(created).toMatchObject({ id: expect.any(String), name: 'Acme Rockets', slug: 'acme-rockets', role: 'owner', policy: { unmet: [] }, created_at: isoDate });
    expect(created.permissions).toEqual([...ORG_PERMISSIONS]);

    const list = await listOrganizations(client.connection);
    expect(list).toEqual({ organizations: [created], personal_allowed: true, create_allowed: true });

    const renamed = await updateOrganization(client.connection, created.id, { name: 'Acme' });
    expect(renamed).toMatchObject({ id: created.id, name: 'Acme', slug: 'acme-rockets' });
    // A slug derived from a name already taken gets a suffix; only a slug asked for is refused.
    const again = await createOrganization(client.connection, { name: 'Acme Rockets' });
    expect(again.slug).toMatch(/^acme-rockets-[a-z0-9]+$/);
    expect(await rejection(createOrganization(client.connection, { name: 'Acme Rockets', slug: 'acme-rockets' }))).toMatchObject({ code: 'slug_taken', status: 409 });
    const { members } = await listMembers(client.connection, created.id);
    expect(members).toHaveLength(1);
    expect(keys(members[0]!)).toEqual(MEMBER_KEYS);
    expect(members[0]).toMatchObject({ email: ALICE, role: 'owner', source: 'created', out_of_policy: [] });
  });

  it('answers not_found for an organization the user is not a member of, and forbidden for a member without the permission', async () => {
    await open({ ...ACME, accounts: [ALICE, BOB, CAROL, DAN] });
    const acme = subject!.orgId('Acme');
    let client = await signInAs(DAN);
    expect(await rejection(updateOrganization(client.connection, acme, { name: 'Mine now' }))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await rejection(listMembers(client.connection, acme))).toMatchObject({ code: 'not_found' });
    expect((await listOrganizations(client.connection)).organizations).toEqual([]);

    client = await signInAs(CAROL);
    expect(await rejection(updateOrganization(client.connection, acme, { name: 'Mine now' }))).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await listMembers(client.connection, acme)).members.map((m) => m.email).sort()).toEqual([ALICE, BOB, CAROL].sort());
  });

  it('refuses a change of one’s own role, owner granted by an admin, a role above the granter’s, and the last owner leaving', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(BOB);
    const alice = await userIdOf(acme, ALICE);
    const bob = await userIdOf(acme, BOB);
    const carol = await userIdOf(acme, CAROL);
    expect(await rejection(updateMember(client.connection, acme, bob, { role: 'owner' }))).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await rejection(updateMember(client.connection, acme, bob, { role: 'member' }))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(updateMember(client.connection, acme, carol, { role: 'owner' }))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(updateMember(client.connection, acme, alice, { role: 'member' }))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(removeMember(client.connection, acme, alice))).toMatchObject({ code: 'forbidden' });

    client = await signInAs(ALICE);
    // A custom role that may delete the organization: an admin, who may not, cannot hand it out.
    const deleter = await createRole(client.connection, acme, { key: 'deleter', name: 'Deleter', permissions: ['org:read', 'org:delete'] });
    expect(deleter).toMatchObject({ key: 'deleter', built_in: false, members: 0, permissions: ['org:read', 'org:delete'] });
    expect(await rejection(updateMember(client.connection, acme, alice, { role: 'admin' }))).toMatchObject({ code: 'forbidden' });
    expect(await rejection(removeMember(client.connection, acme, alice))).toMatchObject({ code: 'last_owner', status: 409 });

    client = await signInAs(BOB);
    expect(await rejection(updateMember(client.connection, acme, carol, { role: 'deleter' }))).toMatchObject({ code: 'forbidden' });
    // What an admin may do: change a member's role to one it holds everything of, and remove a member.
    expect(await updateMember(client.connection, acme, carol, { role: 'admin' })).toMatchObject({ user_id: carol, role: 'admin' });
    expect(await updateMember(client.connection, acme, carol, { role: 'member' })).toMatchObject({ role: 'member' });
    await removeMember(client.connection, acme, carol);
    expect((await listMembers(client.connection, acme)).members.map((m) => m.email)).not.toContain(CAROL);

    // Carol is out: the organization is gone from her list, and she cannot switch into it.
    client = await signInAs(CAROL);
    expect((await listOrganizations(client.connection)).organizations).toEqual([]);
    expect(await rejection(switchOrganization(client.connection, { org_id: acme }))).toMatchObject({ code: 'not_found', status: 404 });

    // With a second owner, the first may leave; the second is then the last.
    client = await signInAs(ALICE);
    expect(await updateMember(client.connection, acme, bob, { role: 'owner' })).toMatchObject({ role: 'owner' });
    await removeMember(client.connection, acme, alice);
    client = await signInAs(BOB);
    expect(await rejection(removeMember(client.connection, acme, bob))).toMatchObject({ code: 'last_owner' });
  });

  it('lets only the invited address accept an invitation, once; another address is refused and the invitation stays usable', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    const invitation = await createInvitation(client.connection, acme, { email: DAN, role: 'admin' });
    expect(keys(invitation)).toEqual(['created_at', 'email', 'expires_at', 'id', 'invited_by', 'role']);
    expect(invitation).toMatchObject({ email: DAN, role: 'admin', created_at: isoDate, expires_at: isoDate });
    expect(await rejection(createInvitation(client.connection, acme, { email: BOB, role: 'member' }))).toMatchObject({ code: 'already_member', status: 409 });
    const token = await subject!.invitationToken(DAN);

    // The preview needs no session.
    await client.signOut();
    const preview = await previewInvitation(client.connection, token);
    expect(preview).toEqual({ organization: { id: acme, name: 'Acme' }, email: DAN, role: 'admin', expires_at: invitation.expires_at });

    client = await signInAs(CAROL);
    expect(await rejection(acceptInvitation(client.connection, { token }))).toMatchObject({ code: 'invitation_not_for_you', status: 403 });

    client = await signInAs(DAN);
    const joined: Organization = await acceptInvitation(client.connection, { token });
    expect(joined).toMatchObject({ id: acme, name: 'Acme', role: 'admin' });
    expect((await listOrganizations(client.connection)).organizations.map((o) => o.id)).toEqual([acme]);
    expect(await rejection(acceptInvitation(client.connection, { token }))).toMatchObject({ code: 'invitation_invalid', status: 404 });
    expect(await rejection(previewInvitation(client.connection, token))).toMatchObject({ code: 'invitation_invalid' });
  });

  it('refuses a revoked invitation and an unknown token with the same invitation_invalid', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    const invitation = await createInvitation(client.connection, acme, { email: DAN, role: 'member' });
    const token = await subject!.invitationToken(DAN);
    await revokeInvitation(client.connection, acme, invitation.id);
    client = await signInAs(DAN);
    expect(await rejection(acceptInvitation(client.connection, { token }))).toMatchObject({ code: 'invitation_invalid', status: 404 });
    expect(await rejection(previewInvitation(client.connection, 'it_not_a_real_token_at_all_0123456789'))).toMatchObject({ code: 'invitation_invalid', status: 404 });
  });

  it('joins through an invite link until its use limit, and shows the uses', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    const link = await createInviteLink(client.connection, acme, { role: 'member', max_uses: 1 });
    expect(link).toMatchObject({ role: 'member', uses: 0, max_uses: 1, expires_at: null, revoked_at: null, created_at: isoDate });
    const token = new URL(link.url!).searchParams.get('lk_invite')!;
    expect(token).toBeTruthy();

    await client.signOut();
    expect(await previewInviteLink(client.connection, token)).toEqual({ organization: { id: acme, name: 'Acme' }, role: 'member' });

    client = await signInAs(DAN);
    expect(await joinWithInviteLink(client.connection, { token })).toMatchObject({ id: acme, role: 'member' });

    client = await signInAs(ALICE);
    const [listed] = (await listInviteLinks(client.connection, acme)).links;
    expect(listed).toMatchObject({ id: link.id, uses: 1, max_uses: 1 });
    expect(listed!.url).toBeUndefined();
    const dan = await userIdOf(acme, DAN);
    expect((await listMembers(client.connection, acme)).members.find((m) => m.user_id === dan)).toMatchObject({ role: 'member', source: 'link' });

    // Used up: refused to the next, and its preview is gone.
    await removeMember(client.connection, acme, dan);
    client = await signInAs(DAN);
    expect(await rejection(joinWithInviteLink(client.connection, { token }))).toMatchObject({ code: 'invitation_invalid', status: 404 });
    expect(await rejection(previewInviteLink(client.connection, token))).toMatchObject({ code: 'invitation_invalid' });
  });

  it('lets an address of a verified domain ask to join; a denial’s reason reaches the requester, and an approval makes a member', async () => {
    const DENIED = 'dora@acme.test';
    const APPROVED = 'eve@acme.test';
    await open({ accounts: [ALICE, DENIED, APPROVED], orgs: { Acme: { members: { [ALICE]: 'owner' }, domains: ['acme.test'] } } });
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    expect(await updateDomain(client.connection, acme, 'acme.test', { enrollment: 'request' })).toMatchObject({ domain: 'acme.test', enrollment: 'request' });

    client = await signInAs(DENIED);
    expect((await listJoinableOrganizations(client.connection)).organizations).toEqual([{ id: acme, name: 'Acme', domain: 'acme.test', enrollment: 'request', request: null }]);
    const asked = await requestAccess(client.connection, acme, { message: 'I run the rockets team' });
    expect(asked).toMatchObject({ organization: { id: acme, name: 'Acme' }, user: { email: DENIED }, message: 'I run the rockets team', status: 'pending', reason: null, decided_at: null });
    expect(await rejection(requestAccess(client.connection, acme, {}))).toMatchObject({ code: 'request_pending', status: 409 });
    client = await signInAs(APPROVED);
    const second = await requestAccess(client.connection, acme);

    client = await signInAs(ALICE);
    const pending = (await listAccessRequests(client.connection, acme)).requests;
    expect(pending.map((r) => r.user.email).sort()).toEqual([DENIED, APPROVED].sort());
    expect(await rejection(denyAccessRequest(client.connection, acme, asked.id, { reason: '' }))).toMatchObject({ code: 'invalid_request', status: 400 });
    const denied = await denyAccessRequest(client.connection, acme, asked.id, { reason: 'Ask your team lead for an invitation' });
    expect(denied).toMatchObject({ status: 'denied', reason: 'Ask your team lead for an invitation', decided_at: isoDate });
    expect(await rejection(approveAccessRequest(client.connection, acme, asked.id))).toMatchObject({ code: 'already_decided', status: 409 });
    expect(await approveAccessRequest(client.connection, acme, second.id)).toMatchObject({ status: 'approved' });

    client = await signInAs(DENIED);
    const [mine] = (await listMyAccessRequests(client.connection)).requests;
    expect(mine).toMatchObject({ id: asked.id, status: 'denied', reason: 'Ask your team lead for an invitation' });
    expect((await listOrganizations(client.connection)).organizations).toEqual([]);

    client = await signInAs(APPROVED);
    expect((await listOrganizations(client.connection)).organizations).toMatchObject([{ id: acme, role: 'member' }]);
  });

  it('switches into an organization with a token carrying org_id, org_role and org_permissions, and to the personal account', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    const client = await signInAs(CAROL);
    const switched = await switchOrganization(client.connection, { org_id: acme });
    expect(keys(switched)).toEqual(['organization', 'token']);
    expect(switched.organization).toMatchObject({ id: acme, role: 'member', permissions: ['org:read', 'members:read'] });
    expect(switched.token.expires_at).toEqual(isoDate);
    expect(decodeJwt(switched.token.token).payload).toMatchObject({ org_id: acme, org_role: 'member', org_permissions: ['org:read', 'members:read'] });

    // The tab asks for its organization's tokens with ?org=; `personal` for none.
    const scoped = await subject!.raw('POST', `/v1/session/token?org=${encodeURIComponent(acme)}`, {});
    expect(scoped.status).toBe(200);
    expect(decodeJwt(scoped.body.token).payload).toMatchObject({ org_id: acme, org_role: 'member' });
    const personal = await switchOrganization(client.connection, { org_id: null });
    expect(personal.organization).toBeNull();
    expect(decodeJwt(personal.token.token).payload).toMatchObject({ org_id: null, org_role: null, org_permissions: [] });
    const none = await subject!.raw('POST', '/v1/session/token?org=personal', {});
    expect(decodeJwt(none.body.token).payload).toMatchObject({ org_id: null, org_role: null });

    const other = await subject!.raw('POST', '/v1/session/token?org=org_someone_elses', {});
    expect(other).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('refuses a switch into an organization whose policy the session does not meet, saying what is required', async () => {
    await open({ ...ACME, totp: [BOB] });
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    expect(await updateOrgPolicies(client.connection, acme, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 0 })).toMatchObject({
      require_mfa: true,
      grace_days: 0,
      grace_until: null,
    });

    // Alice's session opened before the policy, with no second factor: the switch asks her to enrol one.
    const alice = await rejection(switchOrganization(client.connection, { org_id: acme }));
    expect(alice).toMatchObject({ code: 'org_policy_unmet', status: 403, problem: { requirement: 'mfa-enroll', org_id: acme } });
    expect((await listOrganizations(client.connection)).organizations[0]!.policy.unmet).toEqual([{ requirement: 'mfa', grace_until: null }]);
    expect(await subject!.raw('POST', `/v1/session/token?org=${encodeURIComponent(acme)}`, {})).toMatchObject({ status: 403, body: { code: 'org_policy_unmet', requirement: 'mfa-enroll' } });
    // An owner's break-glass never passes MFA.
    expect(await rejection(switchOrganization(client.connection, { org_id: acme, break_glass: true }))).toMatchObject({ code: 'org_policy_unmet', problem: { requirement: 'mfa-enroll' } });

    // A member signing in from now on enrols during sign-in, before any session opens (the engine's orgMfaRequired).
    await client.signOut();
    expect((await client.signInWithPassword({ email: CAROL, password: PASSWORD })).step).toBe('mfa-enroll');

    // Bob signs in with his authenticator app too: he is let in, and his token says so.
    const first = await client.signInWithPassword({ email: BOB, password: PASSWORD });
    if (first.step !== 'mfa') throw new Error(`expected the mfa step, got ${first.step}`);
    expect((await verifyMfa(client.connection, { flow_id: first.flow_id, method: 'totp', code: subject!.secondFactor(BOB).code })).step).toBe('done');
    const bob = await switchOrganization(client.connection, { org_id: acme });
    expect(bob.organization).toMatchObject({ id: acme, role: 'admin', policy: { unmet: [] } });
    expect(decodeJwt(bob.token.token).payload).toMatchObject({ org_id: acme, org_role: 'admin', amr: expect.arrayContaining(['otp']) });
  });

  it('keeps custom roles: created with the permissions the caller holds, listed with their members, refused while in use, and never over a built-in one', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    const client = await signInAs(ALICE);
    const roles = await listRoles(client.connection, acme);
    expect(roles.roles.map((r) => [r.key, r.built_in, r.members])).toEqual([
      ['owner', true, 1],
      ['admin', true, 1],
      ['member', true, 1],
    ]);
    expect(roles.permissions).toEqual(expect.arrayContaining([...ORG_PERMISSIONS]));
    const auditor = await createRole(client.connection, acme, { key: 'auditor', name: 'Auditor', permissions: ['org:read', 'audit:read'] });
    expect(auditor).toMatchObject({ key: 'auditor', name: 'Auditor', built_in: false, members: 0 });
    expect(await rejection(createRole(client.connection, acme, { key: 'auditor', name: 'Again', permissions: [] }))).toMatchObject({ code: 'role_exists', status: 409 });
    expect(await rejection(updateRole(client.connection, acme, 'admin', { name: 'Boss', permissions: [] }))).toMatchObject({ code: 'forbidden', status: 403 });
    const carol = await userIdOf(acme, CAROL);
    await updateMember(client.connection, acme, carol, { role: 'auditor' });
    expect(await rejection(deleteRole(client.connection, acme, 'auditor'))).toMatchObject({ code: 'role_in_use', status: 409 });
    expect(await updateRole(client.connection, acme, 'auditor', { name: 'Auditors', permissions: ['org:read', 'members:read', 'audit:read'] })).toMatchObject({ name: 'Auditors', members: 1 });
    await updateMember(client.connection, acme, carol, { role: 'member' });
    await deleteRole(client.connection, acme, 'auditor');
    expect((await listRoles(client.connection, acme)).roles.map((r) => r.key)).toEqual(['owner', 'admin', 'member']);
  });

  it('takes a domain once, never a public mail domain, and no automatic enrolment without DNS proof', async () => {
    await open({ ...ACME, orgs: { Acme: { members: { [ALICE]: 'owner' }, domains: ['acme.test'] } } });
    const acme = subject!.orgId('Acme');
    const client = await signInAs(ALICE);
    const added = await addDomain(client.connection, acme, { domain: 'rockets.example' });
    expect(added).toMatchObject({ domain: 'rockets.example', verification: null, verified_at: null, enrollment: 'manual', sso_required: false, created_at: isoDate });
    expect(added.txt_record).toEqual({ name: expect.stringContaining('rockets.example'), value: expect.any(String) });
    expect(await rejection(addDomain(client.connection, acme, { domain: 'gmail.com' }))).toMatchObject({ code: 'public_email_domain', status: 400 });
    expect(await rejection(addDomain(client.connection, acme, { domain: 'acme.test' }))).toMatchObject({ code: 'domain_taken', status: 409 });
    // acme.test is verified by the admin, not by DNS: no domain capture.
    expect(await rejection(updateDomain(client.connection, acme, 'acme.test', { enrollment: 'automatic' }))).toMatchObject({ code: 'domain_unverified', status: 409 });
  });

  it('refuses "require SSO" without a connection, and reads the policies to any member', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    expect(await rejection(updateOrgPolicies(client.connection, acme, { require_mfa: false, require_passkey: false, require_sso: true, grace_days: 0 }))).toMatchObject({ code: 'no_connection', status: 409 });
    client = await signInAs(CAROL);
    expect(await getOrgPolicies(client.connection, acme)).toEqual({ require_mfa: false, require_passkey: false, require_sso: false, grace_days: 0, grace_until: null });
    expect(await rejection(updateOrgPolicies(client.connection, acme, { require_mfa: true, require_passkey: false, require_sso: false, grace_days: 0 }))).toMatchObject({ code: 'forbidden' });
  });

  it('records each change in the audit log, readable by owners, filtered, and as CSV', async () => {
    await open(ACME);
    const acme = subject!.orgId('Acme');
    let client = await signInAs(ALICE);
    await updateOrganization(client.connection, acme, { name: 'Acme Rockets' });
    const invitation = await createInvitation(client.connection, acme, { email: DAN, role: 'member' });
    await revokeInvitation(client.connection, acme, invitation.id);
    const { events } = await listAuditEvents(client.connection, acme);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['org.updated', 'invitation.created', 'invitation.revoked']));
    // Newest first.
    expect(types.indexOf('invitation.revoked')).toBeLessThan(types.indexOf('invitation.created'));
    const created = events.find((e) => e.type === 'invitation.created')!;
    expect(created).toMatchObject({ org_id: acme, actor: { email: ALICE }, created_at: isoDate });
    expect((await listAuditEvents(client.connection, acme, { type: 'invitation.created' })).events.map((e) => e.type)).toEqual(['invitation.created']);
    // The CSV as a download link fetches it (the browser sends the cookie).
    const csv = await client.connection.fetch(auditCsvUrl(client.connection, acme, { type: 'org.updated' }));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('org.updated');
    expect(lines[1]).toContain(ALICE);

    client = await signInAs(CAROL);
    expect(await rejection(listAuditEvents(client.connection, acme))).toMatchObject({ code: 'forbidden', status: 403 });
  });
});
