// Vue's template type-checker (vue-tsc / Volar) reads GlobalComponents: dist/vue.d.ts puts the <lk-*> elements in it,
// with the camelCase names vue-tsc matches a template's kebab-case attributes and @events to.
import type {} from '@latchkey/elements/vue';
import type { GlobalComponents } from 'vue';
import type { LkSignedInEvent } from '@latchkey/elements';

type Props<Tag extends keyof GlobalComponents> = GlobalComponents[Tag] extends new (...args: never[]) => { $props: infer P } ? P : never;

export const signIn: Props<'lk-sign-in'> = { appName: 'Acme', returnTo: '/home', signUpUrl: '/sign-up', theme: 'dark' };
// @ts-expect-error a misspelled attribute
export const typo: Props<'lk-sign-in'> = { appNme: 'Acme' };
// @ts-expect-error theme is light or dark
export const badTheme: Props<'lk-sign-in'> = { theme: 'blue' };

// Event handlers get the event's own detail type.
export const signedIn: Props<'lk-sign-in'> = { onLkSignedIn: (event: LkSignedInEvent) => event.detail.user };
// @ts-expect-error a handler for another event
export const wrongHandler: Props<'lk-sign-in'> = { onLkSignedIn: (event: MouseEvent) => event.button };
