import { installFakeAuthenticator, type CeremonyOutcome, type FakeAuthenticator, type FakeAuthenticatorOptions } from '@latchkey/testing';

let current: FakeAuthenticator | undefined;

/**
 * A story's `beforeEach`: the browser's WebAuthn answered by the fake
 * authenticator (`installFakeAuthenticator` of @latchkey/testing), every ceremony ending
 * with `outcome`; the page's own is put back after the story.
 */
export const withAuthenticator =
  (outcome: CeremonyOutcome = 'succeed', options: Omit<FakeAuthenticatorOptions, 'outcome'> = {}) =>
  () => {
    const authenticator = (current = installFakeAuthenticator({ outcome, ...options }));
    return () => {
      authenticator.uninstall();
      if (current === authenticator) current = undefined;
    };
  };

/** The authenticator this story's `withAuthenticator` installed (a play function gives it passkeys, picks from autofill). */
export function storyAuthenticator(): FakeAuthenticator {
  if (!current) throw new Error('no fake authenticator: add beforeEach: withAuthenticator() to the story');
  return current;
}
