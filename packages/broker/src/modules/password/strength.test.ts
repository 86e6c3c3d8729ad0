import { describe, expect, it } from 'vitest';
import type { ProblemFieldError, WeakPasswordReason } from '@latchkey/client';
import { ProblemError } from '../../http/problem.js';
import { ANALYSED_LENGTH, checkPasswordStrength, contextWords, passwordWeakness, type PasswordContext } from './strength.js';

const ADA: PasswordContext = { serviceWords: ['latchkey'], email: 'ada.lovelace@example.com', name: 'Ada Lovelace' };

/** Why a new password is refused for `context`, or undefined when it is accepted. */
const refusal = (password: string, context: Partial<PasswordContext> = {}) => passwordWeakness(password, { ...ADA, ...context });

// Forty passwords an attacker tries first.
const ATTACKERS_FIRST_GUESSES = [
  'football', 'trustno1', 'baseball', 'superman', 'iloveyou1', 'qwerty123', 'password1', 'sunshine',
  'princess', 'starwars', 'whatever', 'computer', 'michelle', 'jennifer', 'corvette', 'mercedes',
  '1qaz2wsx', 'letmein1', 'welcome1', 'football1', 'baseball1', 'jordan23', 'charlie1', 'michael1',
  'butterfly', 'internet', 'liverpool', 'chelsea1', 'basketball', 'abc12345', 'passw0rd', 'p@ssw0rd',
  'zaq12wsx', 'asdfghjkl', 'q1w2e3r4', '1q2w3e4r', 'monkey123', 'dragon123', 'samantha', 'admin123',
];

describe('new password strength', () => {
  it('refuses forty of the passwords attackers try first', async () => {
    const accepted = [];
    for (const password of ATTACKERS_FIRST_GUESSES) if ((await refusal(password)) === undefined) accepted.push(password);
    expect(accepted).toEqual([]);
  });

  it.each<[string, WeakPasswordReason]>([
    ['short', 'too_short'],
    ['87654321', 'common'], // on the password list before it is a sequence
    ['Passw0rd!', 'common'],
    ['Qwerty123!', 'common'],
    ['Summer2024!', 'common'],
    ['aaaaaaaa', 'pattern'],
    ['abcdefgh', 'pattern'],
    ['zxcvbnm,./', 'pattern'],
    ['hunter2hunter2', 'pattern'],
    ['latchkey', 'personal'],
    ['Latchkey!', 'personal'],
    ['latchkey2024', 'personal'],
  ])('refuses %s as %s', async (password, reason) => {
    expect(await refusal(password)).toBe(reason);
  });

  it('answers weak_password with the reason and its English text at the password field', async () => {
    const error = await checkPasswordStrength('Passw0rd!', ADA).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).code).toBe('weak_password');
    expect((error as ProblemError).extra.errors).toEqual<ProblemFieldError[]>([{ path: 'password', message: 'This is a common password, or too close to one', reason: 'common' }]);
    await expect(checkPasswordStrength('short', ADA)).rejects.toMatchObject({ extra: { errors: [{ path: 'password', message: 'Use at least 8 characters', reason: 'too_short' }] } });
  });

  it('accepts long unusual passphrases and random strings', async () => {
    // zxcvbn does not know the comic: four common words still count as ~10^19 guesses.
    for (const password of ['correct horse battery staple', 'a brand new battery staple', 'quiet-otter-maps-the-fjord', 'zebra ocean lamp kettle', 'k7#Vq9!xLm2$', 'analytical engine']) {
      expect(await refusal(password), password).toBeUndefined();
    }
  });

  describe('context: the service, the address and the name', () => {
    it("refuses the service's name, and the configured words instead of the default", async () => {
      expect(await refusal('Latchkey-2024')).toBe('personal');
      expect(await refusal('Harborline2024', { serviceWords: ['latchkey'] })).toBeUndefined();
      expect(await refusal('Harborline2024', { serviceWords: ['harborline'] })).toBe('personal');
    });

    it('refuses the address, its local part and its pieces, and its domain', async () => {
      for (const password of ['ada.lovelace@example.com', 'Ada.Lovelace', 'ada.lovelace1', 'Lovelace1815', 'example2024!']) {
        expect(await refusal(password, { name: null }), password).toBe('personal');
      }
    });

    it("refuses the user's name, whole, run together or a part of it; without the name the same password passes", async () => {
      const email = 'zed@example.com';
      expect(await refusal('Quixotebloom2024', { email, name: null })).toBeUndefined();
      expect(await refusal('Quixotebloom2024', { email, name: 'Ada Quixotebloom' })).toBe('personal');
      expect(await refusal('AdaQuixotebloom!', { email, name: 'Ada Quixotebloom' })).toBe('personal');
    });

    it('lists the words it judges against, folded, without the TLD or pieces too short to mean anything', () => {
      expect(contextWords({ serviceWords: ['Latchkey'], email: 'ada.lovelace@mail.example.co.uk', name: 'Ada  Lovelace' })).toEqual([
        'latchkey', 'ada.lovelace@mail.example.co.uk', 'ada.lovelace', 'ada', 'lovelace', 'mail', 'example', 'ada  lovelace', 'adalovelace',
      ]);
      expect(contextWords({ serviceWords: [], email: 'bo@x.io', name: 'Ｂｏ Ｌｉ' })).toEqual(['bo@x.io', 'bo li', 'boli']);
    });
  });

  describe('unicode', () => {
    it('counts code points: four emoji are four characters, eight are enough', async () => {
      expect('😀🔒🦊🌊'.length).toBe(8);
      expect(await refusal('😀🔒🦊🌊')).toBe('too_short');
      expect(await refusal('😀🔒🦊🌊🎻🧭🌵🛶')).toBeUndefined();
    });

    it('judges the NFKC form: full-width PASSWORD1 is PASSWORD1, a full-width name is the name', async () => {
      expect(await refusal('ＰＡＳＳＷＯＲＤ１')).toBe('common');
      expect(await refusal('ＬＡＴＣＨＫＥＹ２０２４')).toBe('personal');
      expect(await refusal('Quixotebloom2024', { email: 'zed@example.com', name: 'Ｑｕｉｘｏｔｅｂｌｏｏｍ' })).toBe('personal');
    });
  });

  describe('long passwords', () => {
    const strongStart = 'Vq9!xLm2 fjord-otter kettle maps';

    it(`judges the first ${ANALYSED_LENGTH} code points: what follows neither weakens nor strengthens it`, async () => {
      expect([...strongStart]).toHaveLength(ANALYSED_LENGTH);
      expect(await refusal(strongStart + 'latchkey'.repeat(28))).toBeUndefined();
      expect(await refusal('a'.repeat(ANALYSED_LENGTH) + strongStart)).toBe('pattern');
    });

    it('checks a 256-character password in well under a second, whatever it is made of', async () => {
      await refusal('warm up');
      // Digits and l33t symbols are zxcvbn's slowest input: every l33t reading runs every dictionary (seconds uncapped).
      const worst = Array.from({ length: 256 }, (_, i) => '4@301!|$57+8(<9'[(i * 7) % 15]).join('');
      for (const password of [worst, '9'.repeat(256), '😀'.repeat(128), strongStart.repeat(8)]) {
        const started = performance.now();
        await refusal(password);
        expect(performance.now() - started, password.slice(0, 20)).toBeLessThan(1000);
      }
    });
  });
});
