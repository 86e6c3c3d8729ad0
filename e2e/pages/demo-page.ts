import { expect, type Locator, type Page } from '@playwright/test';
import { SignInCard } from './sign-in-card.js';
import { SignUpCard } from './sign-up-card.js';

/** The demo host app: its sign-in and sign-up cards, the user button, and the backend panel. */
export class DemoPage {
  readonly signIn: SignInCard;
  readonly signUp: SignUpCard;
  readonly userButton: Locator;
  readonly claims: Locator;
  readonly backendStatus: Locator;

  constructor(readonly page: Page) {
    this.signIn = new SignInCard(page);
    this.signUp = new SignUpCard(page);
    this.userButton = page.locator('lk-user-button');
    this.claims = page.locator('#claims');
    this.backendStatus = page.locator('#backend-status');
  }

  async goto(hash: '' | '#sign-up' = '') {
    await this.page.goto(`/${hash}`);
    await expect(this.page.locator(hash === '#sign-up' ? 'lk-sign-up' : 'lk-sign-in').getByRole('heading', { level: 2 })).toBeVisible();
  }

  claim(name: string): Locator {
    return this.claims.locator(`dt:text-is("${name}") + dd`);
  }

  /** Signed in as far as the host app can tell: its backend verified a session token for the user. */
  async expectSignedIn(email: string, amr: string[], shownAs = email, org: { id: string; role: string } | null = null) {
    await expect(this.page.getByRole('heading', { level: 1, name: /^Welcome/ })).toBeVisible();
    // The element followed the allowlisted return_to the demo asked for.
    await expect(this.page).toHaveURL(/#signed-in$/);
    await expect(this.backendStatus).toHaveText('Token verified by the demo backend.');
    await expect(this.claim('sub')).toHaveText(/^"usr_/);
    await expect(this.claim('sid')).toHaveText(/^"ses_/);
    await expect(this.claim('amr')).toHaveText(JSON.stringify(amr));
    await expect(this.claim('org_id')).toHaveText(org ? JSON.stringify(org.id) : 'null');
    await expect(this.claim('org_role')).toHaveText(org ? JSON.stringify(org.role) : 'null');
    await expect(this.userButton).toContainText(shownAs);
  }

  async signOut() {
    await this.userButton.getByRole('button', { expanded: false }).click();
    await this.userButton.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(this.signIn.email).toBeVisible();
  }
}
