import { describe, expect, it } from 'vitest';
import type { SessionClient } from '@latchkey/client';
import { activeOrgId } from './org-session.js';

/** A client whose store holds `organization` for the tab and a session opened in `sessionOrg`. */
const clientWith = (organization: string | null | undefined, sessionOrg: string | null, status = 'signed-in') =>
  ({ connection: { url: 'https://auth.example.com', fetch }, session: { organization, state: { status, session: { org_id: sessionOrg } } } }) as unknown as SessionClient;

describe('activeOrgId: the organization this tab acts in', () => {
  it("is the tab's own choice, an organization or the personal account, whatever the session's", () => {
    expect(activeOrgId(clientWith('org_globex', 'org_acme'))).toBe('org_globex');
    expect(activeOrgId(clientWith(null, 'org_acme'))).toBeNull();
  });

  it("is the session's own organization where the tab chose none (its tokens carry it), else the personal account", () => {
    // Signed in through Acme's SSO: the token says Acme, so the switcher and the settings page must too.
    expect(activeOrgId(clientWith(undefined, 'org_acme'))).toBe('org_acme');
    expect(activeOrgId(clientWith(undefined, null))).toBeNull();
    expect(activeOrgId(clientWith(undefined, null, 'signed-out'))).toBeNull();
  });

  it('says nothing for a store that keeps no organization', () => {
    const bare = { connection: { url: 'https://auth.example.com', fetch }, session: { state: { status: 'signed-out' } } } as unknown as SessionClient;
    expect(activeOrgId(bare)).toBeUndefined();
    expect(activeOrgId(undefined)).toBeUndefined();
  });
});
