'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-org-switcher>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkOrgSwitcher } from '@latchkey/elements/org-switcher.js';
import { lkError, lkOrgChanged, lkOrgPolicyUnmet } from './internal/events.js';

/**
 * `<lk-org-switcher>` as a React component. Switches the tab between the user's organizations and the personal account.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 * Event props: `onOrgChanged`, `onOrgPolicyUnmet`, `onError`, each given the element's typed event.
 *
 * @example
 * <OrgSwitcher onOrgChanged={(event) => console.log(event.detail.org_id)} />
 */
export const OrgSwitcher = createComponent({
  react: React,
  tagName: 'lk-org-switcher',
  elementClass: LkOrgSwitcher,
  events: {
    onOrgChanged: lkOrgChanged,
    onOrgPolicyUnmet: lkOrgPolicyUnmet,
    onError: lkError,
  },
  displayName: 'OrgSwitcher',
});
