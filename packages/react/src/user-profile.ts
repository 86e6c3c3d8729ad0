'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-user-profile>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkUserProfile } from '@latchkey/elements/user-profile.js';
import { lkError, lkMfaEnrolled, lkPasskeyAdded, lkPasskeyDeleted, lkPasskeyRenamed } from './internal/events.js';

/**
 * `<lk-user-profile>` as a React component. The signed-in user's account: email, password, passkeys, two-step verification, sessions, connected accounts.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onPasskeyAdded`, `onPasskeyRenamed`, `onPasskeyDeleted`, `onMfaEnrolled`, `onError`, each given the element's typed event.
 *
 * @example
 * <UserProfile onPasskeyAdded={(event) => console.log(event.detail.passkey.name)} />
 */
export const UserProfile = createComponent({
  react: React,
  tagName: 'lk-user-profile',
  elementClass: LkUserProfile,
  events: {
    onPasskeyAdded: lkPasskeyAdded,
    onPasskeyRenamed: lkPasskeyRenamed,
    onPasskeyDeleted: lkPasskeyDeleted,
    onMfaEnrolled: lkMfaEnrolled,
    onError: lkError,
  },
  displayName: 'UserProfile',
});
