// The account page's Email, Password and Active sessions sections, one chunk that
// lk-user-profile imports as it is made (see LazySection): the element's first bundle
// does not carry them, and they are in before the session answer is.
import type { User } from '@latchkey/client';
import type { SectionFactory } from '../internal/sections/lazy-section.js';
import { EmailSection } from './email.section.js';
import { PasswordSection } from './password.section.js';
import { SessionsSection } from './sessions.section.js';

export const email: SectionFactory<User> = (host, section) => new EmailSection(host, section);
export const password: SectionFactory<User> = (host, section) => new PasswordSection(host, section);
export const sessions: SectionFactory<User> = (host, section) => new SessionsSection(host, section);
