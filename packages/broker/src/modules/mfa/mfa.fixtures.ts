/** Test fixtures of the MFA suites: an account with an authenticator app, and codes computed as the app would. */
import type { TestBroker } from '../../test/harness.js';
import { base32Decode, timeStepOf, totpCode } from './totp.js';

export const PASSWORD = 'correct horse battery staple';

type Browser = Pick<TestBroker, 'post'>;

/** The code an authenticator app with `secret` shows at the broker's time, `drift` steps off. */
export const appCode = (b: TestBroker, secret: string, drift = 0) => totpCode(base32Decode(secret), timeStepOf(b.clock.now()) + drift);

/**
 * Signs `email` up in the broker's own browser and enrols an authenticator app
 * there; then moves the clock to the next step, so the confirming code is spent
 * and the next one is fresh. Answers the secret and the recovery codes.
 */
export async function userWithTotp(b: TestBroker, email = 'ada@example.test') {
  await b.signUp(email, PASSWORD);
  return enrolApp(b);
}

/** Enrols an authenticator app for the browser's signed-in user, then moves the clock to the next step (see `userWithTotp`). */
export async function enrolApp(b: TestBroker) {
  const enrollment = await b.post('/v1/mfa/totp');
  if (enrollment.status !== 200) throw new Error(`enrolment failed: ${JSON.stringify(enrollment.body)}`);
  const confirmed = await b.post('/v1/mfa/totp/confirm', { enrollment_id: enrollment.body.enrollment_id, code: appCode(b, enrollment.body.secret) });
  if (confirmed.status !== 201) throw new Error(`confirmation failed: ${JSON.stringify(confirmed.body)}`);
  b.clock.advance(30_000);
  return { secret: enrollment.body.secret as string, recoveryCodes: confirmed.body.recovery_codes as string[], factorId: confirmed.body.factor.id as string };
}

/** A password sign-in of `email` in `browser`: the step it answers (`mfa` for a user with an app). */
export async function passwordFirst(browser: Browser, email = 'ada@example.test') {
  return browser.post('/v1/sign-in/password', { email, password: PASSWORD });
}

/** A user with an app (`userWithTotp`) whose password sign-in in a new browser at `ip` waits at the mfa step. */
export async function waitingForSecondFactor(b: TestBroker, ip: string) {
  const enrolled = await userWithTotp(b);
  const browser = b.browser({ ip });
  const flowId: string = (await passwordFirst(browser)).body.flow_id;
  return { ...enrolled, browser, flowId };
}
