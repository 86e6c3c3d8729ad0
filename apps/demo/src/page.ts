import '@latchkey/elements';
import { createClient, type LatchkeyClient } from '@latchkey/client';

declare const __BROKER_URL__: string;

/** The element with this id. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * What every demo page shares: one client for the broker, given to every
 * Latchkey element through `<lk-config>`; the footer's broker links; and
 * `?lang=de` or `?lang=ar`, which shows the elements in that language through
 * `<lk-config locale>` (the demo's own text stays English) and is kept on the
 * way to the account page. Without it the elements follow `<html lang>`.
 */
export function setUpPage(): { client: LatchkeyClient; lang: string | null } {
  const client = createClient({ url: __BROKER_URL__ });
  const config = document.querySelector('lk-config')!;
  config.client = client;
  $('broker-url').textContent = __BROKER_URL__;
  $<HTMLAnchorElement>('outbox-link').href = `${__BROKER_URL__}/dev/outbox`;
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) {
    config.setAttribute('locale', lang);
    const query = `?lang=${encodeURIComponent(lang)}`;
    document.querySelector('lk-user-button')!.setAttribute('account-url', `/account.html${query}`);
    document.querySelector('lk-org-switcher')?.setAttribute('organization-url', `/org.html${query}`);
    for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-keep-lang]')) link.href = `${link.pathname}${query}${link.hash}`;
  }
  return { client, lang };
}
