import { expect, type Locator, type Page } from '@playwright/test';

/** The demo host app: the sign-in/sign-up cards, the user button and the backend panel. */
export class DemoPage {
  readonly signIn: Locator;
  readonly signUp: Locator;
  readonly userButton: Locator;
  readonly claims: Locator;
  readonly backendStatus: Locator;

  constructor(readonly page: Page) {
    this.signIn = page.locator('lk-sign-in');
    this.signUp = page.locator('lk-sign-up');
    this.userButton = page.locator('lk-user-button');
    this.claims = page.locator('#claims');
    this.backendStatus = page.locator('#backend-status');
  }

  async goto(hash: '' | '#sign-up' = '') {
    await this.page.goto(`/${hash}`);
  }

  /** Signed in as far as the host app can tell: its backend verified a token for `email`'s user. */
  async expectSignedIn(email: string) {
    await expect(this.page.getByRole('heading', { level: 1, name: /Welcome/ })).toBeVisible();
    await expect(this.backendStatus).toHaveText('Token verified by the demo backend.');
    const claim = (name: string) => this.claims.locator(`dt:text-is("${name}") + dd`);
    await expect(claim('sub')).toHaveText(/usr_|"[0-9a-f-]{8,}/);
    await expect(claim('amr')).toHaveText(/\[.+\]/);
    await expect(claim('org_id')).toHaveText('null');
    await expect(this.userButton).toContainText(email);
  }

  async signOut() {
    await this.userButton.getByRole('button').first().click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(this.signIn.getByLabel('Email')).toBeVisible();
  }
}
