import { expect, type Page } from '@playwright/test';
import { devIdpUrl } from '../fixtures/broker.js';

/** The dev IdP's sign-in page (apps/dev-idp), as a person uses it: "Email", "Password", "Continue". */
export class DevIdpPage {
  constructor(readonly page: Page) {}

  /** The browser left the demo for the IdP: another site (127.0.0.1), as a real IdP is. */
  async expectShown() {
    await expect(this.page).toHaveURL((url) => url.origin === devIdpUrl);
    await expect(this.page.getByLabel('Email')).toBeVisible();
  }

  async signIn(email: string, password = 'latchkey-dev') {
    await this.expectShown();
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Continue', exact: true }).click();
  }

  /** Declines at the IdP: the provider answers `error=access_denied`. */
  async cancel() {
    await this.expectShown();
    await this.page.getByRole('button', { name: 'Cancel' }).or(this.page.getByRole('link', { name: 'Cancel' })).click();
  }
}
