// Compiled by `tsc -p packages/react` (the root `pnpm typecheck`), never run. Each expected
// error below fails the typecheck (as an unused directive) the day the wrappers accept it.
import type { LkErrorEvent, LkOrgChangedEvent, LkSignedInEvent } from '@latchkey/elements';
import { OrgProfile, SignIn, UserButton } from './index.js';

export const typed = [
  <SignIn appName="Acme" navigate={(url: string) => url} onSignedIn={(event: LkSignedInEvent) => event.detail.user.email} onError={(event) => event.detail.code} />,
  <OrgProfile org="org_1" onOrgChanged={(event: LkOrgChangedEvent) => event.detail.org_id} />,
  <UserButton onSignOut={(event) => event.preventDefault()} />,
];

export const refused = [
  // @ts-expect-error a misspelled property (`appName`)
  <SignIn appname="Acme" />,
  // @ts-expect-error a property of the wrong type
  <SignIn appName={42} />,
  // @ts-expect-error a handler for another event than lk-signed-in
  <SignIn onSignedIn={(event: LkErrorEvent) => event.detail.code} />,
  // @ts-expect-error an event the element never fires
  <OrgProfile onSignedIn={() => {}} />,
  // @ts-expect-error the event's detail is typed (no `user` on lk-error)
  <SignIn onError={(event) => event.detail.user} />,
];
