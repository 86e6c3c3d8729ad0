'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-sign-in>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkSignIn } from '@latchkey/elements/sign-in.js';
import { lkError, lkSignedIn } from './internal/events.js';

/**
 * `<lk-sign-in>` as a React component. Identifier-first sign-in: email, then password, a mailed code or a passkey.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onSignedIn`, `onError`, each given the element's typed event.
 *
 * @example
 * <SignIn appName="Acme" returnTo="/app" onSignedIn={(event) => console.log(event.detail.user)} />
 */
export const SignIn = createComponent({
  react: React,
  tagName: 'lk-sign-in',
  elementClass: LkSignIn,
  events: {
    onSignedIn: lkSignedIn,
    onError: lkError,
  },
  displayName: 'SignIn',
});
