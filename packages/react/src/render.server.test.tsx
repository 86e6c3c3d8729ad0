import { renderToString } from 'react-dom/server';
import { expect, test } from 'vitest';
import * as wrappers from './index.js';

const { LatchkeyConfig, SignIn, SignUp, Mfa, OrgSwitcher, UserButton, UserProfile, OrgProfile } = wrappers;

test('runs where a server does: no window, no document', () => {
  expect(typeof window).toBe('undefined');
  expect(typeof document).toBe('undefined');
});

test.each([
  ['lk-config', <LatchkeyConfig broker="https://auth.example.com" />],
  ['lk-sign-in', <SignIn appName="Acme" returnTo="/app" onSignedIn={() => {}} onError={() => {}} />],
  ['lk-sign-up', <SignUp signInUrl="/sign-in" onSignedIn={() => {}} />],
  ['lk-mfa', <Mfa mode="challenge" onMfaEnrolled={() => {}} />],
  ['lk-org-switcher', <OrgSwitcher onOrgChanged={() => {}} />],
  ['lk-user-button', <UserButton accountUrl="/account" onSignedOut={() => {}} />],
  ['lk-user-profile', <UserProfile onPasskeyAdded={() => {}} />],
  ['lk-org-profile', <OrgProfile org="org_1" onOrgChanged={() => {}} />],
] as const)('renderToString emits <%s>', (tag, element) => {
  const html = renderToString(element);
  expect(html).toMatch(new RegExp(`^<${tag}[ >].*</${tag}>$`));
});

test('a tree of wrappers renders nested, with React attributes on the tags', () => {
  const html = renderToString(
    <LatchkeyConfig broker="https://auth.example.com" className="auth">
      <SignIn id="sign-in" />
    </LatchkeyConfig>,
  );
  expect(html).toContain('class="auth"');
  expect(html).toMatch(/<lk-config[^>]*><lk-sign-in id="sign-in"[^>]*><\/lk-sign-in><\/lk-config>/);
});

test('the index exports one wrapper per element', () => {
  expect(Object.keys(wrappers).sort()).toEqual(['LatchkeyConfig', 'Mfa', 'OrgProfile', 'OrgSwitcher', 'SignIn', 'SignUp', 'UserButton', 'UserProfile']);
});
