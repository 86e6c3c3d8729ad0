'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-sign-up>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkSignUp } from '@latchkey/elements/sign-up.js';
import { lkError, lkOrgChanged, lkSignedIn } from './internal/events.js';

/**
 * `<lk-sign-up>` as a React component. Creates an account (optionally through an invitation into an organization) and signs it in.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onSignedIn`, `onOrgChanged`, `onError`, each given the element's typed event.
 *
 * @example
 * <SignUp signInUrl="/sign-in" onSignedIn={(event) => console.log(event.detail.user)} />
 */
export const SignUp = createComponent({
  react: React,
  tagName: 'lk-sign-up',
  elementClass: LkSignUp,
  events: {
    onSignedIn: lkSignedIn,
    onOrgChanged: lkOrgChanged,
    onError: lkError,
  },
  displayName: 'SignUp',
});
