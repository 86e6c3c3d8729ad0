// The account page's Email, Password and Active sessions sections, one chunk that
// lk-user-profile imports as it is made (see LazySection): the element's first bundle
// does not carry them, and they are in before the session answer is.
import type { SectionFactory } from './lazy-section.js';
import { EmailSection } from './email.section.js';
import { PasswordSection } from './password.section.js';
import { SessionsSection } from './sessions.section.js';

export const email: SectionFactory = (host, section) => new EmailSection(host, section);
export const password: SectionFactory = (host, section) => new PasswordSection(host, section);
export const sessions: SectionFactory = (host, section) => new SessionsSection(host, section);
