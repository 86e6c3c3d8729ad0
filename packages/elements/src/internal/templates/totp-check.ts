import { msg } from '../localize.js';
import { addFieldCheck } from '../field-checks.js';

// The authenticator app's code field (`totp`), shared by the steps that ask for one: the MFA
// step and enrolment during sign-in. Added once, by whichever chunk loads first.

/** What the field says when it is not six digits (also the MFA step's subtitle). */
export const enterTotp = () => msg('Enter the 6-digit code from your authenticator app.', { id: 'mfa.enter-totp' });

addFieldCheck((name, _input, value) => (name === 'totp' && !/^\d{6}$/.test(value) ? enterTotp() : undefined));
