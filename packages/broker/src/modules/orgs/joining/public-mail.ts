/**
 * Public mail domains (anyone can get an address there), which never enrol
 * anyone into an organization: no domain capture and no access requests by
 * such an address, even if an organization holds the domain.
 *
 * MERGE NOTE: modules/orgs/public-mail-domains.ts (the organizations module's
 * list, which also refuses claiming these domains) replaces this file once it
 * lands on main; import its check instead and delete this one.
 */
const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de', 'gmx.net',
  'web.de', 'mail.com', 'yandex.ru', 'yandex.com', 'mail.ru', 'qq.com', '163.com', '126.com', 'zoho.com', 'fastmail.com',
  'hey.com', 'tutanota.com', 'tuta.io',
]);

/** Whether `domain` (lower-case ASCII, as `emailDomain` answers) is a public mail domain. */
export const isPublicMailDomain = (domain: string) => PUBLIC_MAIL_DOMAINS.has(domain);
