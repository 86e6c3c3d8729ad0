import type { PasswordStep, Step } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { startEmailCodeSignIn } from '../email/sign-in-with-code.js';
import { startPasskeySignIn } from '../passkeys/sign-in.js';
import type { Browser } from './browser.js';

/** The password step for `email`, offering every configured method. */
export function passwordStep(deps: Deps, email: string, notice?: PasswordStep['notice']): PasswordStep {
  return { step: 'password', email, methods: deps.config.signIn.methods, ...(notice ? { notice } : {}) };
}

/**
 * Home-realm discovery (the oauth module's): the step that sends an address of an
 * organization's SSO domain to its IdP, coming back to `resumeUrl`; undefined for
 * any other address. It looks at the domain only, never at the account.
 */
export type HomeRealm = (browser: Browser, email: string, trip: { resumeUrl: string; returnTo: string | null }) => Promise<Step | undefined>;

/**
 * The first step of identifier-first sign-in. Which methods an address may use
 * comes from the configuration and from the email's domain (see `HomeRealm`),
 * never from the account, so an unknown address gets the same answer as one
 * without those methods. The first method decides the step: a password
 * prompt, a code mailed at once, or a discoverable passkey ceremony (the same
 * for every address: it lists no credentials).
 */
export async function identify(deps: Deps, browser: Browser, email: string, returnTo: string | null): Promise<Step> {
  const [first] = deps.config.signIn.methods;
  if (first === 'email-code') return startEmailCodeSignIn(deps, browser, email, returnTo);
  if (first === 'passkey') return startPasskeySignIn(deps, browser, returnTo);
  return passwordStep(deps, email);
}
