import { expect, test } from 'vitest';
import { SignIn } from './sign-in.js';

// This file imports nothing else (each test file gets its own page): what is defined here, the
// sign-in wrapper's module defined.
test('importing one wrapper registers its element and no other', () => {
  expect(SignIn.displayName).toBe('SignIn');
  expect(customElements.get('lk-sign-in')).toBeDefined();
  for (const other of ['lk-sign-up', 'lk-mfa', 'lk-org-switcher', 'lk-user-button', 'lk-user-profile', 'lk-org-profile']) {
    expect(customElements.get(other), other).toBeUndefined();
  }
});
