import { expect, type Locator, type Page } from '@playwright/test';

/** `<lk-sign-up>` as a person uses it. */
export class SignUpCard {
  readonly root: Locator;
  readonly code: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('lk-sign-up');
    this.code = this.root.getByLabel('Verification code');
    this.alert = this.root.getByRole('alert');
  }

  async fillDetails(details: { name?: string; email: string; password: string }) {
    if (details.name) await this.root.getByLabel('Name (optional)').fill(details.name);
    await this.root.getByLabel('Email').fill(details.email);
    await this.root.getByLabel('Password', { exact: true }).fill(details.password);
    await this.root.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect(this.root.getByRole('heading', { name: 'Check your email' })).toBeVisible();
    await expect(this.code).toBeFocused();
  }

  /** A wrong code is marked at the field, which says how many tries are left. */
  async expectWrongCode(message: string) {
    await expect(this.code).toHaveAttribute('aria-invalid', 'true');
    await expect(this.code).toHaveAccessibleDescription(message);
    // The form's alert does not repeat it (an empty alert is hidden).
    await expect(this.alert).toBeHidden();
  }
}
