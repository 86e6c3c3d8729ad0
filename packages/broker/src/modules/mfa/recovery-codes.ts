import { createHash, randomInt } from 'node:crypto';
import type { RecoveryCodes } from '@latchkey/client';
import { countRecoveryCodes, replaceRecoveryCodes, useRecoveryCode } from '../../storage/queries/index.js';
import type { Db } from '../../storage/storage.js';

/**
 * Recovery codes: ten single-use look-up secrets (NIST SP 800-63B §5.1.2), shown
 * once and stored as SHA-256 hashes. Each is ten characters of an alphabet
 * without look-alikes (no 0/o, 1/l/i), about 49.5 bits: far too many to guess
 * within the attempt limits, so a fast hash is enough (a slow one protects
 * low-entropy secrets like passwords).
 */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const COUNT = 10;
const LENGTH = 10;

/** One new code as shown: `xxxxx-xxxxx`. */
function newRecoveryCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** A code as typed, to compare: case, spaces and dashes ignored. */
export const normalizeRecoveryCode = (typed: string) => typed.toLowerCase().replace(/[\s-]+/g, '');

/** What is stored of a code: the SHA-256 of its normalized form. */
export const hashRecoveryCode = (typed: string) => createHash('sha256').update(normalizeRecoveryCode(typed)).digest('base64url');

/**
 * Makes the account a new batch of codes in `tx` (the old ones stop working in
 * the same transaction) and answers them, to be shown once.
 *
 * @example
 * const { codes } = await deps.storage.transaction((tx) => issueRecoveryCodes(tx, user.id, deps.clock()));
 */
export async function issueRecoveryCodes(tx: Db, userId: string, at: Date): Promise<RecoveryCodes> {
  const codes = Array.from({ length: COUNT }, newRecoveryCode);
  await replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode), at);
  return { codes, created_at: at.toISOString() };
}

/**
 * Spends one of the account's codes, if `typed` is one still unused: one
 * conditional statement, so a code used twice in parallel works once.
 */
export async function spendRecoveryCode(db: Db, userId: string, typed: string, at: Date): Promise<boolean> {
  const normalized = normalizeRecoveryCode(typed);
  if (normalized.length !== LENGTH) return false;
  return useRecoveryCode(db, userId, hashRecoveryCode(normalized), at);
}

/** Whether the account has a code left to answer the MFA step with. */
export async function hasRecoveryCodes(db: Db, userId: string): Promise<boolean> {
  return (await countRecoveryCodes(db, userId)).remaining > 0;
}
