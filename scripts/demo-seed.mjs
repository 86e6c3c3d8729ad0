// The demo seed (shared/DESIGN.md, "Public contracts"), shared by `pnpm start` and the
// e2e set-up. Social providers are broker configuration (`demoSocialProviders`, passed as
// LATCHKEY_SOCIAL); organizations, their domains and connections go through the admin
// API, as an operator's own script would. Running it again changes nothing.

/** Dev clients registered at the dev IdP (apps/dev-idp/src/config.ts). */
const DEVHUB_CLIENT = { id: 'latchkey-devhub', secret: 'devhub-dev-secret-0123456789abcdef' };
const ACME_CLIENT = { id: 'latchkey-acme', secret: 'acme-dev-secret-0123456789abcdef' };

/** LATCHKEY_SOCIAL for the demo: "Continue with DevHub", the dev IdP's GitHub-style provider. */
export function demoSocialProviders(devIdpUrl) {
  const devhub = `${devIdpUrl}/devhub`;
  return [
    {
      id: 'devhub',
      preset: 'github',
      name: 'DevHub',
      client_id: DEVHUB_CLIENT.id,
      client_secret: DEVHUB_CLIENT.secret,
      authorization_endpoint: `${devhub}/login/oauth/authorize`,
      token_endpoint: `${devhub}/login/oauth/access_token`,
      userinfo_endpoint: `${devhub}/api/user`,
      emails_endpoint: `${devhub}/api/user/emails`,
    },
  ];
}

/** The organizations of the demo and what each is given. */
function demoOrganizations(devIdpUrl) {
  return [
    {
      name: 'Acme',
      slug: 'acme',
      // "SSO required": every address at acme.test signs in through Acme's IdP, and nothing else.
      domains: [{ domain: 'acme.test', verified: true, sso_required: true }],
      connections: [
        { type: 'oidc', name: 'Acme SSO', issuer: `${devIdpUrl}/oidc`, client_id: ACME_CLIENT.id, client_secret: ACME_CLIENT.secret, default_role: 'member' },
      ],
    },
    {
      name: 'Globex',
      slug: 'globex',
      domains: [{ domain: 'globex.test', verified: true }],
      connections: [
        // From the dev SAML IdP's metadata URL; its entity ID is that URL. IdP-initiated sign-in allowed; group admins -> role admin.
        // AuthnRequests signed and assertions encrypted with the connection's SP key (the dev IdP reads its certificate from the SP metadata).
        { type: 'saml', name: 'Globex SSO', metadata_url: `${devIdpUrl}/saml/metadata`, idp_initiated: true, group_roles: { admins: 'admin' }, default_role: 'member', sign_requests: true, encrypt_assertions: true },
      ],
    },
  ];
}

/**
 * Seeds the demo through the admin API of the broker at `brokerUrl`.
 * @returns {Promise<string[]>} one line per thing made (nothing when it was all there).
 */
export async function seedDemo({ brokerUrl, adminToken, devIdpUrl }) {
  const admin = async (method, path, body) => {
    const response = await fetch(`${brokerUrl}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = response.status === 204 ? null : await response.json();
    return { status: response.status, answer };
  };
  const expectOk = ({ status, answer }, what) => {
    if (status >= 300) throw new Error(`demo seed: ${what}: ${status} ${answer?.type ?? ''} ${answer?.detail ?? answer?.title ?? ''}`);
    return answer;
  };

  // The organizations side by side, and within one its domains beside its connections: on a
  // later run every call finds what it would make, and `pnpm start` waits for the slowest.
  const seedOrganization = async (org) => {
    const made = [];
    const created = await admin('POST', '/organizations', { name: org.name, slug: org.slug });
    let record;
    if (created.status === 409) {
      record = await findOrganization(admin, expectOk, org.slug);
    } else {
      record = expectOk(created, `organization ${org.name}`);
      made.push(`organization ${org.name} (${record.id})`);
    }
    const claimDomains = Promise.all(
      org.domains.map(async (domain) => {
        const claimed = await admin('POST', `/organizations/${record.id}/domains`, domain);
        if (claimed.status === 409) return [];
        expectOk(claimed, `domain ${domain.domain}`);
        return [`domain ${domain.domain} of ${org.name}`];
      }),
    );
    const addConnections = (async () => {
      const { data: existing } = expectOk(await admin('GET', `/organizations/${record.id}/connections`), `connections of ${org.name}`);
      const lines = [];
      for (const connection of org.connections) {
        // An OIDC connection is its issuer; a SAML one its IdP's entity ID (the dev IdP's is its metadata URL).
        if (existing.some((c) => (c.issuer ?? c.entity_id) === (connection.issuer ?? connection.metadata_url))) continue;
        const answer = expectOk(await admin('POST', `/organizations/${record.id}/connections`, connection), `connection ${connection.name}`);
        const idpSide = connection.type === 'saml' ? `ACS ${answer.acs_url}, SP metadata ${answer.metadata_url}` : `redirect URI ${answer.redirect_uri}`;
        lines.push(`${connection.type.toUpperCase()} connection ${connection.name} of ${org.name} (${idpSide})`);
      }
      return lines;
    })();
    const [domains, connections] = await Promise.all([claimDomains, addConnections]);
    return [...made, ...domains.flat(), ...connections];
  };
  return (await Promise.all(demoOrganizations(devIdpUrl).map(seedOrganization))).flat();
}

async function findOrganization(admin, expectOk, slug) {
  let after;
  for (;;) {
    const page = expectOk(await admin('GET', `/organizations?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`), 'organizations');
    const found = page.data.find((o) => o.slug === slug);
    if (found) return found;
    after = page.next_after;
    if (!after) throw new Error(`demo seed: organization ${slug} exists but was not listed`);
  }
}
