import { afterEach, describe, expect, it } from 'vitest';
import { html } from 'lit';
import './org-profile.js';
import type { LkOrgProfile } from './org-profile.js';
import { cleanup, fakeBroker, mount, until } from '../internal/test-helpers.js';

const ADA = 'ada@example.com';
afterEach(cleanup);

describe('lk-org-profile smoke', () => {
  it('draws', async () => {
    const broker = fakeBroker({ accounts: { [ADA]: 'pw' }, signedInAs: ADA });
    const [id] = broker.orgs.seed({ organizations: [{ name: 'Acme', members: { [ADA]: 'owner', 'bo@example.com': { role: 'admin', name: 'Bo Li' } }, domains: [{ domain: 'acme.test' }, { domain: 'new.acme.test', verification: null }] }] });
    const el = await mount<LkOrgProfile>(html`<lk-org-profile org=${id!} .client=${broker.client()}></lk-org-profile>`, 'lk-org-profile');
    await until(() => el.shadowRoot!.querySelector('[part~="audit-table"], .empty') && el.shadowRoot!.querySelector('[part~="member-list"]') && el.shadowRoot!.querySelector('[part~="policies"]'));
    console.log(el.shadowRoot!.textContent!.replace(/\s+/g, ' '));
    expect(1).toBe(1);
  });
});
