import type { User } from '@latchkey/client';
import type { Section } from '../internal/sections/section.js';

export type { SectionHost } from '../internal/sections/section.js';

/** One section of `lk-user-profile` (passkeys, connected accounts, email…): about the signed-in user. */
export type ProfileSection = Section<User>;
