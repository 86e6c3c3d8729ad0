'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-user-button>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkUserButton } from '@latchkey/elements/user-button.js';
import { lkError, lkOrgChanged, lkOrgPolicyUnmet, lkSignOut, lkSignedOut } from './internal/events.js';

/**
 * `<lk-user-button>` as a React component. The signed-in user's avatar with a menu: account, organizations, sign out.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onSignOut`, `onSignedOut`, `onOrgChanged`, `onOrgPolicyUnmet`, `onError`, each given the element's typed event.
 *
 * @example
 * <UserButton accountUrl="/account" onSignedOut={() => navigate("/")} />
 */
export const UserButton = createComponent({
  react: React,
  tagName: 'lk-user-button',
  elementClass: LkUserButton,
  events: {
    onSignOut: lkSignOut,
    onSignedOut: lkSignedOut,
    onOrgChanged: lkOrgChanged,
    onOrgPolicyUnmet: lkOrgPolicyUnmet,
    onError: lkError,
  },
  displayName: 'UserButton',
});
