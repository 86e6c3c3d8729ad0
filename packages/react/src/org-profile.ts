'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-org-profile>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkOrgProfile } from '@latchkey/elements/org-profile.js';
import { lkError, lkOrgChanged } from './internal/events.js';

/**
 * `<lk-org-profile>` as a React component. An organization's settings: its name, members, invitations, domains and single sign-on.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onOrgChanged`, `onError`, each given the element's typed event.
 *
 * @example
 * <OrgProfile org="org_123" onOrgChanged={() => navigate("/")} />
 */
export const OrgProfile = createComponent({
  react: React,
  tagName: 'lk-org-profile',
  elementClass: LkOrgProfile,
  events: {
    onOrgChanged: lkOrgChanged,
    onError: lkError,
  },
  displayName: 'OrgProfile',
});
