import type { Passkey, PasskeyList, PasskeyRegistrationRequest, PasskeyRegistrationStep, PasskeyTransport } from '@latchkey/client';
import type { Deps } from '../../deps.js';
import { ProblemError } from '../../http/problem.js';
import { randomId } from '../../random.js';
import {
  addPasskeyOnce,
  deletePasskeyUnlessLast,
  findPasskeyByCredentialId,
  findUserPasskey,
  listUserPasskeys,
  renamePasskey,
  type PasskeyRecord,
  type SessionUser,
} from '../../storage/queries/index.js';
import { announceNewWayIn } from '../email/new-way-in.js';
import { actorOfBrowser, recordFactorChange } from '../orgs/joining/factor-events.js';
import type { Browser } from '../sign-in/browser.js';
import { passkeyDefaultName, passkeyProvider } from './aaguids.js';
import { ceremonyKey, findCeremony, notOpen, openCeremony, PASSKEY_REGISTRATION, passkeyConfig, rejected, type ChallengeData } from './ceremony.js';
import { creationOptions, registrationStep } from './options.js';
import type { RegistrationCredential } from './schema.js';
import { verifyRegistration } from './verify.js';

/** A passkey as its owner sees it: no key, no counter, no credential id. */
export const toWirePasskey = (p: PasskeyRecord): Passkey => ({
  id: p.id,
  name: p.name,
  created_at: p.createdAt.toISOString(),
  last_used_at: p.lastUsedAt?.toISOString() ?? null,
  device_type: p.deviceType,
  backed_up: p.backedUp,
  transports: p.transports as PasskeyTransport[],
  aaguid: p.aaguid,
});

/** The signed-in user starts adding a passkey; the ones they have are excluded. */
export async function startAddPasskey(deps: Deps, browser: Browser, user: SessionUser): Promise<PasskeyRegistrationStep> {
  const passkeys = passkeyConfig(deps);
  const options = await creationOptions(passkeys, user, await listUserPasskeys(deps.storage, user.id));
  const flow = await openCeremony<ChallengeData>(deps.storage, deps, browser, { kind: PASSKEY_REGISTRATION, userId: user.id, data: { challenge: options.challenge } });
  return registrationStep(flow, options);
}

/**
 * Adds the new credential to the signed-in account, consuming the ceremony
 * that account opened in this browser: the ceremony is read, the credential
 * verified, and one statement stores the passkey and consumes the ceremony,
 * both or neither. A credential the account has already is `passkey_exists`;
 * one registered to another account is refused. The owner is mailed (a
 * copied session cookie must not add a way in silently).
 */
export async function addPasskey(deps: Deps, browser: Browser, user: SessionUser, body: Omit<PasskeyRegistrationRequest, 'credential'> & { credential: RegistrationCredential }): Promise<Passkey> {
  const passkeys = passkeyConfig(deps);
  const key = ceremonyKey(deps, browser, body.flow_id, PASSKEY_REGISTRATION);
  const flow = await findCeremony<ChallengeData>(deps.storage, key, 'registration');
  if (flow.userId !== user.id) throw rejected('registration', 'the ceremony was opened by another account');
  const verified = await verifyRegistration(passkeys, flow.data.challenge, body.credential, 'registration');
  const written = await addPasskeyOnce(deps.storage, key, { ...verified, id: randomId('pk'), userId: user.id, name: body.name ?? passkeyDefaultName(verified.aaguid), createdAt: deps.clock() });
  // Another finish of this ceremony won the race.
  if (!written.open) throw notOpen('registration');
  if (!written.added) {
    const holder = await findPasskeyByCredentialId(deps.storage, verified.credentialId);
    if (holder?.userId === user.id) throw new ProblemError('passkey_exists');
    throw rejected('registration', 'the credential is registered to another account');
  }
  await recordFactorChange(deps.storage, actorOfBrowser(user, browser), { type: 'factor.added', method: 'passkey' }, written.added.createdAt);
  announceNewWayIn(deps, browser, user.email, { kind: 'passkey', provider: passkeyProvider(verified.aaguid) });
  return toWirePasskey(written.added);
}

export async function listPasskeys(deps: Deps, userId: string): Promise<PasskeyList> {
  return { passkeys: (await listUserPasskeys(deps.storage, userId)).map(toWirePasskey) };
}

/** Another account's passkey id is `not_found`, exactly like one that never existed. */
export async function renameUserPasskey(deps: Deps, userId: string, id: string, name: string): Promise<Passkey> {
  const passkey = await renamePasskey(deps.storage, id, userId, name);
  if (!passkey) throw new ProblemError('not_found');
  return toWirePasskey(passkey);
}

/**
 * Deletes one of the user's passkeys unless it is the account's last way in
 * (no password, no other passkey): decided by one conditional statement (see
 * `deletePasskeyUnlessLast`), so parallel deletes never leave an account
 * locked out. A refusal is then told apart: gone is `not_found`.
 */
export async function deleteUserPasskey(deps: Deps, userId: string, id: string): Promise<void> {
  if (await deletePasskeyUnlessLast(deps.storage, id, userId)) return;
  throw new ProblemError((await findUserPasskey(deps.storage, id, userId)) ? 'last_sign_in_method' : 'not_found');
}
