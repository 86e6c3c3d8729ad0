// The dev users of shared/DESIGN.md ("dev users"). Every one can sign in at every provider, so the
// demo and the e2e tests may pick whichever identity a scenario needs.

import type { Context } from 'hono';

export const DEV_PASSWORD = 'latchkey-dev';

export interface DevUser {
  /** OIDC `sub`: stable, and deliberately not the email (the broker keys identities by issuer and subject). */
  sub: string;
  email: string;
  name: string;
  /** SAML `firstName` / `lastName`. */
  firstName: string;
  lastName: string;
  /** OIDC `groups` claim and SAML `groups` attribute (multi-valued). */
  groups: string[];
  /** The DevHub account: GitHub's numeric `id` and `login`. */
  devhub: { id: number; login: string; extraEmails?: { email: string; verified: boolean }[] };
}

export const DEV_USERS: readonly DevUser[] = [
  { sub: 'u-ana-7f3c', email: 'ana@acme.test', name: 'Ana Acme', firstName: 'Ana', lastName: 'Acme', groups: ['engineering'], devhub: { id: 1001, login: 'ana' } },
  { sub: 'u-bo-2d91', email: 'bo@globex.test', name: 'Bo Globex', firstName: 'Bo', lastName: 'Globex', groups: ['admins'], devhub: { id: 1002, login: 'bo' } },
  {
    sub: 'u-cy-9b40',
    email: 'cy@devhub.test',
    name: 'Cy Devhub',
    firstName: 'Cy',
    lastName: 'Devhub',
    groups: [],
    // An unverified secondary address, as real GitHub accounts often have: the broker must not trust it.
    devhub: { id: 1003, login: 'cy', extraEmails: [{ email: 'cy@old-mail.test', verified: false }] },
  },
];

export function findUserBySub(sub: string): DevUser | undefined {
  return DEV_USERS.find((user) => user.sub === sub);
}

/** Email compared case-insensitively (ASCII only, the dev users are ASCII); the password exactly. */
export function checkCredentials(email: string, password: string): DevUser | undefined {
  const user = DEV_USERS.find((candidate) => candidate.email === email.trim().toLowerCase());
  return user && password === DEV_PASSWORD ? user : undefined;
}

/**
 * The shared sign-in page's form as posted (every provider's): the email typed, to show
 * again on a refusal, and the dev user it signs in, when the password is right.
 */
export async function readSignInForm(c: Context): Promise<{ email: string; user: DevUser | undefined }> {
  const form = await c.req.parseBody();
  const email = typeof form.email === 'string' ? form.email : '';
  return { email, user: checkCredentials(email, typeof form.password === 'string' ? form.password : '') };
}
