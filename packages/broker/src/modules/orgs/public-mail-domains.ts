/**
 * Public mail providers' domains (issue 24 §2): anyone can have an address
 * there, so no organization may claim one — claiming gmail.com would make
 * every Gmail user a candidate for domain capture or access requests. The big
 * providers worldwide; a subdomain of one is refused too.
 */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Google, Microsoft, Yahoo, Apple, AOL
  'gmail.com', 'googlemail.com',
  'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'passport.com', 'outlook.fr', 'outlook.de', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es', 'live.co.uk', 'live.fr', 'live.de', 'windowslive.com',
  'yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.it', 'yahoo.es', 'yahoo.co.jp', 'yahoo.co.in', 'yahoo.com.br', 'yahoo.ca', 'yahoo.com.au',
  'icloud.com', 'me.com', 'mac.com',
  'aol.com', 'aim.com', 'verizon.net', 'att.net', 'comcast.net', 'sbcglobal.net',
  // Privacy-minded and independent providers
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me',
  'tutanota.com', 'tutanota.de', 'tutamail.com', 'tuta.io', 'tuta.com', 'keemail.me',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'zoho.com', 'zohomail.com', 'mailbox.org', 'posteo.de', 'posteo.net', 'runbox.com', 'disroot.org', 'riseup.net',
  'hushmail.com', 'startmail.com', 'mail.com', 'email.com', 'inbox.com', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'web.de', 'freenet.de', 't-online.de',
  // Europe
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'btinternet.com', 'sky.com', 'virginmedia.com',
  'seznam.cz', 'centrum.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl', 'ziggo.nl', 'kpnmail.nl', 'telenet.be', 'skynet.be', 'bluewin.ch', 'online.no', 'telia.com',
  // Russia and neighbours
  'yandex.ru', 'yandex.com', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'ukr.net',
  // Asia
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com', '139.com',
  'naver.com', 'daum.net', 'hanmail.net', 'nate.com', 'rediffmail.com',
  // Disposable-address services people sign up with
  'mailinator.com', 'guerrillamail.com', 'sharklasers.com', '10minutemail.com', 'temp-mail.org', 'yopmail.com', 'trashmail.com',
]);

/**
 * Whether `domain` (normalized: lower-case ASCII) is a public mail domain or a subdomain of one.
 *
 * @example
 * isPublicMailDomain('gmail.com'); // true
 * isPublicMailDomain('eu.mail.yahoo.com'); // true
 * isPublicMailDomain('acme.test'); // false
 */
export function isPublicMailDomain(domain: string): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (PUBLIC_MAIL_DOMAINS.has(labels.slice(i).join('.'))) return true;
  return false;
}
