'use client';
// A client module for React Server Components hosts (the Next.js App Router): in the browser,
// importing it registers <lk-config>; on a server, Lit's Node build
// stands in for the DOM (no registry of a page), and a render emits the bare tag.
import * as React from 'react';
import { createComponent } from '@lit/react';
import { LkConfig } from '@latchkey/elements/config.js';

/**
 * `<lk-config>` as a React component. Gives every Latchkey element inside it one broker client (and so one session) and picks their language.
 *
 * Props are the element's properties (set as properties, not attributes, so objects and
 * functions pass through), plus React's own (`className`, `style`, `children`, `ref` to the element).
 *
 * @example
 * <LatchkeyConfig broker="https://auth.example.com" locale="de">
 *   <SignIn />
 * </LatchkeyConfig>
 */
export const LatchkeyConfig = createComponent({
  react: React,
  tagName: 'lk-config',
  elementClass: LkConfig,
  displayName: 'LatchkeyConfig',
});
