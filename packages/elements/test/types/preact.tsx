// The typed <lk-*> elements in Preact's JSX (dist/preact.d.ts): right attributes compile, wrong ones fail.
import type {} from '@latchkey/elements/preact';
import type { LkSignedInEvent } from '@latchkey/elements';

export const signIn = <lk-sign-in app-name="Acme" return-to="/home" theme="dark" onlk-signed-in={(event: LkSignedInEvent) => event.detail.user} />;
export const profile = <lk-org-profile />;
export const config = <lk-config broker="https://auth.example.com" locale="de" />;

// @ts-expect-error a misspelled attribute (TS lets any hyphenated JSX attribute through, as it does data-*, so the test uses one without)
export const typo = <lk-config brokr="https://auth.example.com" />;
// @ts-expect-error theme is light or dark
export const badTheme = <lk-sign-in theme="blue" />;

// The tag map and the event map survive into the published declarations.
export const element: HTMLElementTagNameMap['lk-sign-in'] = document.createElement('lk-sign-in');
element.addEventListener('lk-signed-in', (event: LkSignedInEvent) => event.detail.user);
// @ts-expect-error a handler for another event
export const wrongHandler = <lk-sign-in onlk-signed-in={(event: MouseEvent) => event.button} />;
