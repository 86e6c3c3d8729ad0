'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-mfa>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkMfa } from '@latchkey/elements/mfa.js';
import { lkError, lkMfaEnrolled, lkSignedIn } from './internal/events.js';

/**
 * `<lk-mfa>` as a React component. Two-step verification: enrol an authenticator app, answer the second-factor challenge, or see recovery codes.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onSignedIn`, `onMfaEnrolled`, `onError`, each given the element's typed event.
 *
 * @example
 * <Mfa mode="enroll" onMfaEnrolled={(event) => console.log(event.detail.factor)} />
 */
export const Mfa = createComponent({
  react: React,
  tagName: 'lk-mfa',
  elementClass: LkMfa,
  events: {
    onSignedIn: lkSignedIn,
    onMfaEnrolled: lkMfaEnrolled,
    onError: lkError,
  },
  displayName: 'Mfa',
});
