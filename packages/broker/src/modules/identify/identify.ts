import type { PasswordStep, SignInMethod } from '@latchkey/client';
import type { BrokerConfig } from '../../config.js';
import { checkReturnTo } from '../../http/guard/origin.js';

/** What every address is offered today. SSO-by-domain will make this depend on the domain, never on the account. */
export const SIGN_IN_METHODS: SignInMethod[] = ['password', 'email-code'];

/** The first step of identifier-first sign-in: the same answer for every address. */
export function identify(config: BrokerConfig, email: string, returnTo: string | undefined): PasswordStep {
  checkReturnTo(config, returnTo);
  return { step: 'password', email, methods: SIGN_IN_METHODS };
}
