import { expect, type Locator, type Page } from '@playwright/test';

/** `<lk-sign-in>` as a person uses it: by labels and button names. */
export class SignInCard {
  readonly root: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly code: Locator;
  readonly newPassword: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('lk-sign-in');
    this.email = this.root.getByLabel('Email');
    this.password = this.root.getByLabel('Password', { exact: true });
    this.code = this.root.getByLabel('Verification code');
    this.newPassword = this.root.getByLabel('New password');
    this.alert = this.root.getByRole('alert');
  }

  async enterEmail(email: string) {
    await this.email.fill(email);
    await this.root.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect(this.root.getByRole('heading', { name: 'Enter your password' })).toBeVisible();
    // Focus goes to the new step's first field, so the user types at once.
    await expect(this.password).toBeFocused();
  }

  async signInWithPassword(email: string, password: string) {
    await this.enterEmail(email);
    await this.password.fill(password);
    await this.root.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async askForCode() {
    await this.root.getByRole('button', { name: 'Email me a sign-in code' }).click();
    await expect(this.root.getByRole('heading', { name: 'Check your email' })).toBeVisible();
    await expect(this.code).toBeFocused();
  }

  async forgotPassword() {
    await this.root.getByRole('button', { name: 'Forgot password?' }).click();
    await expect(this.root.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await expect(this.code).toBeFocused();
  }

  /** Typing (or pasting) all six digits submits by itself. */
  async enterCode(code: string) {
    await this.code.fill(code);
  }

  /** A wrong code is marked at the field, which says how many tries are left. */
  async expectWrongCode(message: string) {
    await expect(this.code).toHaveAttribute('aria-invalid', 'true');
    await expect(this.code).toHaveAccessibleDescription(message);
    // The form's alert does not repeat it (an empty alert is hidden).
    await expect(this.alert).toBeHidden();
  }
}
